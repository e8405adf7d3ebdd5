// Package testkit holds test helpers: key generation, JWK encoding, token
// minting and an in-process JWKS server (testkit.go); PEM keys, signing key
// files and TLS certificates on disk (files.go); re-executing the test
// binary as a server and talking to it (process.go). Only tests import it.
package testkit

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var b64 = base64.RawURLEncoding

// Signer is a private key with its kid and JWS algorithm.
type Signer struct {
	Kid  string
	Alg  string
	Priv crypto.Signer
}

// NewRSA, NewEC and NewEd25519 generate signers.
func NewRSA(t testing.TB, kid string) Signer {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return Signer{Kid: kid, Alg: "RS256", Priv: k}
}

func NewEC(t testing.TB, kid string, curve elliptic.Curve, alg string) Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return Signer{Kid: kid, Alg: alg, Priv: k}
}

func NewEd25519(t testing.TB, kid string) Signer {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return Signer{Kid: kid, Alg: "EdDSA", Priv: k}
}

// JWK returns the public JWK of s as a map; private adds the private member
// "d" (to check it is ignored).
func (s Signer) JWK(private bool) map[string]any {
	m := map[string]any{"kid": s.Kid, "use": "sig"}
	switch k := s.Priv.(type) {
	case *rsa.PrivateKey:
		m["kty"], m["n"], m["e"] = "RSA", b64.EncodeToString(k.N.Bytes()), b64.EncodeToString(big.NewInt(int64(k.E)).Bytes())
		if private {
			m["d"] = b64.EncodeToString(k.D.Bytes())
		}
	case *ecdsa.PrivateKey:
		size := (k.Curve.Params().BitSize + 7) / 8
		pt, _ := k.PublicKey.Bytes() // 0x04 || X || Y
		m["kty"], m["crv"], m["x"], m["y"] = "EC", k.Curve.Params().Name, b64.EncodeToString(pt[1:1+size]), b64.EncodeToString(pt[1+size:])
		if private {
			d, _ := k.Bytes()
			m["d"] = b64.EncodeToString(d)
		}
	case ed25519.PrivateKey:
		m["kty"], m["crv"], m["x"] = "OKP", "Ed25519", b64.EncodeToString(k.Public().(ed25519.PublicKey))
		if private {
			m["d"] = b64.EncodeToString(k.Seed())
		}
	}
	if s.Kid == "" {
		delete(m, "kid")
	}
	return m
}

// JWKS returns the JSON document for the public keys of signers.
func JWKS(signers ...Signer) []byte {
	keys := make([]map[string]any, len(signers))
	for i, s := range signers {
		keys[i] = s.JWK(false)
	}
	b, _ := json.Marshal(map[string]any{"keys": keys})
	return b
}

// Claims returns a valid claim set for iss and aud, valid for 10 minutes.
// Subject "alice", client "cli", scope "orders:read", a fresh jti.
func Claims(iss, aud string) jwt.MapClaims {
	now := time.Now().Unix()
	jti := make([]byte, 8)
	_, _ = rand.Read(jti)
	return jwt.MapClaims{
		"iss": iss, "aud": aud, "sub": "alice", "client_id": "cli", "scope": "orders:read",
		"iat": now, "exp": now + 600, "jti": b64.EncodeToString(jti),
	}
}

// Token signs claims with s. Header entries in extra are added or replace
// the defaults (alg, kid, typ at+jwt); a nil value removes an entry.
func (s Signer) Token(t testing.TB, claims jwt.MapClaims, extra map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.GetSigningMethod(s.Alg), claims)
	tok.Header["kid"] = s.Kid
	tok.Header["typ"] = "at+jwt"
	if s.Kid == "" {
		delete(tok.Header, "kid")
	}
	for k, v := range extra {
		if v == nil {
			delete(tok.Header, k)
		} else {
			tok.Header[k] = v
		}
	}
	str, err := tok.SignedString(s.Priv)
	if err != nil {
		t.Fatal(err)
	}
	return str
}

// Raw builds a compact JWS from a header, claims and signature bytes
// without any signing (for alg none and forged tokens).
func Raw(header, claims map[string]any, sig []byte) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	return b64.EncodeToString(h) + "." + b64.EncodeToString(c) + "." + b64.EncodeToString(sig)
}

// HMAC signs header and claims with HS256/384/512 and secret.
func HMAC(t testing.TB, alg string, header map[string]any, claims jwt.MapClaims, secret []byte) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.GetSigningMethod(alg), claims)
	for k, v := range header {
		tok.Header[k] = v
	}
	str, err := tok.SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return str
}

// JWKSServer is an in-process JWKS endpoint that counts fetches.
type JWKSServer struct {
	*httptest.Server
	mu   sync.Mutex
	doc  []byte
	hits atomic.Int64
}

// NewJWKSServer serves doc over plain HTTP on 127.0.0.1.
func NewJWKSServer(t testing.TB, doc []byte) *JWKSServer {
	s := &JWKSServer{doc: doc}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(s.doc)
	}))
	t.Cleanup(s.Close)
	return s
}

// Set replaces the served document.
func (s *JWKSServer) Set(doc []byte) { s.mu.Lock(); s.doc = doc; s.mu.Unlock() }

// Hits returns how many requests were served.
func (s *JWKSServer) Hits() int64 { return s.hits.Load() }

// JWKSURL returns the JWKS URL.
func (s *JWKSServer) JWKSURL() string { return s.URL + "/jwks.json" }

// SignRaw signs an arbitrary payload (e.g. "null") with s under header.
func (s Signer) SignRaw(t testing.TB, header map[string]any, payload []byte) string {
	t.Helper()
	h, _ := json.Marshal(header)
	input := b64.EncodeToString(h) + "." + b64.EncodeToString(payload)
	sig, err := jwt.GetSigningMethod(s.Alg).Sign(input, s.Priv)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64.EncodeToString(sig)
}

// SelfSigned returns a DER self-signed certificate for s's key.
func (s Signer) SelfSigned(t testing.TB) []byte {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "attacker"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, s.Priv.Public(), s.Priv)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// RawPayload builds a compact JWS from a header, payload bytes and
// signature bytes without any signing.
func RawPayload(header map[string]any, payload, sig []byte) string {
	h, _ := json.Marshal(header)
	return b64.EncodeToString(h) + "." + b64.EncodeToString(payload) + "." + b64.EncodeToString(sig)
}

// SignDER signs claims with the ECDSA signer s under header but encodes the
// signature as ASN.1 DER instead of JWS's raw r||s.
func (s Signer) SignDER(t testing.TB, header map[string]any, claims jwt.MapClaims) string {
	t.Helper()
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	input := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	hash := crypto.SHA256
	if s.Alg == "ES384" {
		hash = crypto.SHA384
	}
	d := hash.New()
	d.Write([]byte(input))
	sig, err := ecdsa.SignASN1(rand.Reader, s.Priv.(*ecdsa.PrivateKey), d.Sum(nil))
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64.EncodeToString(sig)
}

// Package signing loads the authorization server's private signing keys and
// publishes their public halves as a JWKS (RFC 7517, RFC 7518 §6, RFC 8037).
package signing

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"slices"

	"github.com/golang-jwt/jwt/v5"
)

// Algs are the JWS algorithms a signing key may have.
var Algs = []string{"RS256", "ES256", "EdDSA"}

// MinRSABits is the smallest RSA modulus accepted for signing.
const MinRSABits = 2048

// Key is a private signing key with its kid and algorithm.
type Key struct {
	ID      string
	Alg     string        // one of Algs
	Private crypto.Signer // *rsa.PrivateKey, *ecdsa.PrivateKey (P-256) or ed25519.PrivateKey
}

// Method returns the jwt signing method of k.
func (k Key) Method() jwt.SigningMethod { return jwt.GetSigningMethod(k.Alg) }

// Public returns the public key of k.
func (k Key) Public() crypto.PublicKey { return k.Private.Public() }

// file is the SIGNING_KEYS_FILE document.
type file struct {
	Keys []struct {
		Kid string `json:"kid"`
		Alg string `json:"alg"`
		PEM string `json:"pem"`
	} `json:"keys"`
}

// LoadKeys reads a keys file (see ParseKeys).
func LoadKeys(path string) ([]Key, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseKeys(data)
}

// ParseKeys parses {"keys":[{"kid":..., "alg":..., "pem":...}]}: each pem a
// PKCS#8 "PRIVATE KEY" whose type fits alg (RS256: RSA of at least 2048
// bits, ES256: EC P-256, EdDSA: Ed25519). kids must be non-empty and unique.
func ParseKeys(data []byte) ([]Key, error) {
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("not a JSON keys document: %w", err)
	}
	if len(f.Keys) == 0 {
		return nil, errors.New(`no key in "keys"`)
	}
	var keys []Key
	for i, e := range f.Keys {
		if e.Kid == "" {
			return nil, fmt.Errorf("key %d: empty kid", i)
		}
		if slices.ContainsFunc(keys, func(k Key) bool { return k.ID == e.Kid }) {
			return nil, fmt.Errorf("key %d: duplicate kid %q", i, e.Kid)
		}
		priv, err := parsePKCS8(e.PEM)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", e.Kid, err)
		}
		if err := fits(e.Alg, priv); err != nil {
			return nil, fmt.Errorf("key %q: %w", e.Kid, err)
		}
		keys = append(keys, Key{ID: e.Kid, Alg: e.Alg, Private: priv})
	}
	return keys, nil
}

func parsePKCS8(s string) (crypto.Signer, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	if block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("PEM block %q, want PKCS#8 \"PRIVATE KEY\"", block.Type)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("unsupported key type %T", k)
	}
	return signer, nil
}

// fits checks that priv can sign alg.
func fits(alg string, priv crypto.Signer) error {
	switch k := priv.(type) {
	case *rsa.PrivateKey:
		if alg != "RS256" {
			break
		}
		if n := k.N.BitLen(); n < MinRSABits {
			return fmt.Errorf("RSA key of %d bits, need %d", n, MinRSABits)
		}
		return nil
	case *ecdsa.PrivateKey:
		if alg == "ES256" && k.Curve == elliptic.P256() {
			return nil
		}
	case ed25519.PrivateKey:
		if alg == "EdDSA" {
			return nil
		}
	}
	if !slices.Contains(Algs, alg) {
		return fmt.Errorf("alg %q not supported (supported: RS256, ES256, EdDSA)", alg)
	}
	return fmt.Errorf("a %s key cannot sign %s", keyType(priv), alg)
}

func keyType(priv crypto.Signer) string {
	switch k := priv.(type) {
	case *rsa.PrivateKey:
		return "RSA"
	case *ecdsa.PrivateKey:
		return "EC " + k.Curve.Params().Name
	case ed25519.PrivateKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", priv)
}

var b64 = base64.RawURLEncoding

// JWK returns k as a JWK: kty, kid, alg, use "sig" and the public members;
// withPrivate adds the private members (RSA d, p, q, dp, dq, qi; EC and OKP
// d), which only VULN jwks_private_leak asks for.
func (k Key) JWK(withPrivate bool) map[string]any {
	m := map[string]any{"kid": k.ID, "alg": k.Alg, "use": "sig"}
	switch p := k.Private.(type) {
	case *rsa.PrivateKey:
		m["kty"], m["n"], m["e"] = "RSA", b64.EncodeToString(p.N.Bytes()), b64.EncodeToString(big.NewInt(int64(p.E)).Bytes())
		if withPrivate && len(p.Primes) == 2 {
			P, Q, one := p.Primes[0], p.Primes[1], big.NewInt(1)
			dp := new(big.Int).Mod(p.D, new(big.Int).Sub(P, one))
			dq := new(big.Int).Mod(p.D, new(big.Int).Sub(Q, one))
			qi := new(big.Int).ModInverse(Q, P)
			for name, v := range map[string]*big.Int{"d": p.D, "p": P, "q": Q, "dp": dp, "dq": dq, "qi": qi} {
				m[name] = b64.EncodeToString(v.Bytes())
			}
		}
	case *ecdsa.PrivateKey:
		size := (p.Curve.Params().BitSize + 7) / 8
		pt, _ := p.PublicKey.Bytes() // 0x04 || X || Y
		m["kty"], m["crv"] = "EC", p.Curve.Params().Name
		m["x"], m["y"] = b64.EncodeToString(pt[1:1+size]), b64.EncodeToString(pt[1+size:])
		if withPrivate {
			d, _ := p.Bytes()
			m["d"] = b64.EncodeToString(d)
		}
	case ed25519.PrivateKey:
		m["kty"], m["crv"], m["x"] = "OKP", "Ed25519", b64.EncodeToString(p.Public().(ed25519.PublicKey))
		if withPrivate {
			m["d"] = b64.EncodeToString(p.Seed())
		}
	}
	return m
}

// JWKS returns the JSON Web Key Set document of keys.
func JWKS(keys []Key, withPrivate bool) []byte {
	list := make([]map[string]any, len(keys))
	for i, k := range keys {
		list[i] = k.JWK(withPrivate)
	}
	b, _ := json.Marshal(map[string]any{"keys": list})
	return b
}

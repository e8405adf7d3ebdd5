package authn

// This file holds the code paths of the VULN switches that touch key
// selection. Each is written the way a real service gets it wrong; none of
// them runs unless its switch is on.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"auth-gauntlet/reference/internal/jwks"
	"auth-gauntlet/reference/internal/vuln"
)

var errHMAC = errors.New("HMAC algorithms are not accepted")

// hmacKey returns the HMAC secret(s) for an HS* token.
func (v *Verifier) hmacKey(ctx context.Context, alg, kid string) (any, error) {
	if v.vuln.Has(vuln.KidInjection) && (strings.Contains(kid, "/") || strings.Contains(kid, "..")) {
		// VULN kid_injection: "kid names the key file".
		return readKeyFile(kid)
	}
	var secrets []jwt.VerificationKey
	if v.vuln.Has(vuln.WeakHMACSecret) && alg == "HS256" {
		// VULN weak_hmac_secret: the shared secret is a dictionary word, whatever the kid.
		secrets = append(secrets, []byte(vuln.WeakHMACKey))
	}
	if v.vuln.Has(vuln.AlgConfusion) {
		// VULN alg_confusion: HS* verified with the public key's PEM text as secret.
		pemKey, err := v.publicKeyPEM(ctx, kid)
		if err != nil && len(secrets) == 0 {
			return nil, err
		}
		if err == nil {
			secrets = append(secrets, pemKey)
		}
	}
	switch len(secrets) {
	case 0:
		return nil, errHMAC
	case 1:
		return secrets[0], nil
	}
	return jwt.VerificationKeySet{Keys: secrets}, nil // both switches on: either secret
}

// publicKeyPEM is the SPKI PEM text of the JWKS key kid (VULN alg_confusion).
func (v *Verifier) publicKeyPEM(ctx context.Context, kid string) ([]byte, error) {
	k, err := v.keys.Key(ctx, kid)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(k.Public)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// readKeyFile reads at most 64 KiB (so a kid of /dev/zero cannot hang us).
func readKeyFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 64<<10))
}

// headerKey returns a key named by the token itself (jwk, jku, x5c headers)
// when the matching switch is on; ok is false when no such path applies.
func (v *Verifier) headerKey(ctx context.Context, h map[string]any, kid string) (key any, ok bool, err error) {
	if raw, found := h["jwk"]; found && v.vuln.Has(vuln.EmbeddedJWK) {
		// VULN embedded_jwk: verify with the key the token brings.
		b, _ := json.Marshal(raw)
		k, err := jwks.ParseKey(b)
		return k.Public, true, err
	}
	if u, found := h["jku"].(string); found && v.vuln.Has(vuln.JKUFollow) && isLocalURL(u) {
		// VULN jku_follow: fetch the key set the token points to.
		set, err := jwks.Fetch(ctx, v.jku, u)
		if err != nil {
			return nil, true, err
		}
		k, err := set.Lookup(kid)
		return k.Public, true, err
	}
	if chain, found := h["x5c"].([]any); found && len(chain) > 0 && v.vuln.Has(vuln.X5CTrust) {
		// VULN x5c_trust: the leaf certificate's key, no chain validation.
		s, _ := chain[0].(string)
		der, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, true, err
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, true, err
		}
		return cert.PublicKey, true, nil
	}
	return nil, false, nil
}

// isLocalURL keeps jku_follow traffic on the loopback interface.
func isLocalURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	switch u.Hostname() {
	case "127.0.0.1", "localhost", "::1":
		return true
	}
	return false
}

// jkuClient trusts any certificate and follows no redirect.
func jkuClient() *http.Client {
	return &http.Client{
		Timeout: 3 * time.Second,
		Transport: &http.Transport{
			Proxy:           nil,
			TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // VULN jku_follow
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// peekAlg returns the "alg" header of raw without verifying anything.
func peekAlg(raw string) string {
	h, _, ok := strings.Cut(raw, ".")
	if !ok {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		return ""
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	_ = json.Unmarshal(b, &hdr)
	return hdr.Alg
}

// decodeHeader decodes the header of raw (already checked by splitToken)
// without checking the signature.
func decodeHeader(raw string) (map[string]any, error) {
	seg, err := splitToken(raw)
	if err != nil {
		return nil, err
	}
	var header map[string]any
	if err := json.Unmarshal(seg.header, &header); err != nil {
		return nil, fmt.Errorf("%w: header: %w", jwt.ErrTokenMalformed, err)
	}
	return header, nil
}

// audLoose is the VULN aud_substring check: "aud may carry a URL or a
// prefix, so a substring match in either direction is enough".
func audLoose(aud []string, expected string) bool {
	for _, a := range aud {
		if strings.Contains(a, expected) || strings.Contains(expected, a) {
			return true
		}
	}
	return false
}

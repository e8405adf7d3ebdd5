// Package jwks parses JSON Web Keys (RFC 7517) and keeps a cached, rate-limited
// copy of a remote JWKS. Only public members are read; private members such as
// "d" are ignored if a JWKS carries them.
package jwks

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// MinRSABits is the smallest RSA modulus accepted (RFC 7518 §3.3).
const MinRSABits = 2048

// Key is a public verification key from a JWK.
type Key struct {
	ID     string           // "kid", may be empty
	Alg    string           // "alg", optional: restricts the key to one algorithm
	Public crypto.PublicKey // *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey
}

// jwk holds the public members of a JWK. Private members are never decoded.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
	Crv string `json:"crv"`
	N   string `json:"n"`
	E   string `json:"e"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// ErrUnsupported marks a well-formed JWK this package does not use
// (other key type or curve, or "use" other than "sig").
var ErrUnsupported = errors.New("jwks: unsupported key")

// ParseKey parses one JWK (RSA, EC P-256/P-384, OKP Ed25519).
func ParseKey(data []byte) (Key, error) {
	var j jwk
	if err := json.Unmarshal(data, &j); err != nil {
		return Key{}, fmt.Errorf("jwks: %w", err)
	}
	if j.Use != "" && j.Use != "sig" {
		return Key{}, fmt.Errorf("%w: use %q", ErrUnsupported, j.Use)
	}
	k := Key{ID: j.Kid, Alg: j.Alg}
	var err error
	switch j.Kty {
	case "RSA":
		k.Public, err = parseRSA(j)
	case "EC":
		k.Public, err = parseEC(j)
	case "OKP":
		k.Public, err = parseOKP(j)
	default:
		err = fmt.Errorf("%w: kty %q", ErrUnsupported, j.Kty)
	}
	if err != nil {
		return Key{}, err
	}
	return k, nil
}

// Accepts reports whether a token signed with alg may be verified with k:
// the algorithm family must match the key type and curve, and the JWK "alg"
// member, when present, must equal alg.
func (k Key) Accepts(alg string) bool {
	if k.Alg != "" && k.Alg != alg {
		return false
	}
	switch pub := k.Public.(type) {
	case *rsa.PublicKey:
		return strings.HasPrefix(alg, "RS") || strings.HasPrefix(alg, "PS")
	case *ecdsa.PublicKey:
		return (alg == "ES256" && pub.Curve == elliptic.P256()) ||
			(alg == "ES384" && pub.Curve == elliptic.P384())
	case ed25519.PublicKey:
		return alg == "EdDSA"
	}
	return false
}

func parseRSA(j jwk) (*rsa.PublicKey, error) {
	n, err := decode("n", j.N)
	if err != nil {
		return nil, err
	}
	e, err := decode("e", j.E)
	if err != nil {
		return nil, err
	}
	N := new(big.Int).SetBytes(n)
	E := new(big.Int).SetBytes(e)
	if N.BitLen() < MinRSABits {
		return nil, fmt.Errorf("jwks: RSA modulus of %d bits, need %d", N.BitLen(), MinRSABits)
	}
	if !E.IsInt64() || E.Int64() < 3 || E.Int64() > 1<<31-1 || E.Bit(0) == 0 {
		return nil, errors.New("jwks: bad RSA exponent")
	}
	return &rsa.PublicKey{N: N, E: int(E.Int64())}, nil
}

func parseEC(j jwk) (*ecdsa.PublicKey, error) {
	var curve elliptic.Curve
	switch j.Crv {
	case "P-256":
		curve = elliptic.P256()
	case "P-384":
		curve = elliptic.P384()
	default:
		return nil, fmt.Errorf("%w: EC curve %q", ErrUnsupported, j.Crv)
	}
	size := (curve.Params().BitSize + 7) / 8
	x, err := decode("x", j.X)
	if err != nil {
		return nil, err
	}
	y, err := decode("y", j.Y)
	if err != nil {
		return nil, err
	}
	if len(x) != size || len(y) != size {
		return nil, errors.New("jwks: EC coordinate of wrong length")
	}
	point := append(append([]byte{4}, x...), y...)
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, point)
	if err != nil {
		return nil, fmt.Errorf("jwks: EC key: %w", err)
	}
	return pub, nil
}

func parseOKP(j jwk) (ed25519.PublicKey, error) {
	if j.Crv != "Ed25519" {
		return nil, fmt.Errorf("%w: OKP curve %q", ErrUnsupported, j.Crv)
	}
	x, err := decode("x", j.X)
	if err != nil {
		return nil, err
	}
	if len(x) != ed25519.PublicKeySize {
		return nil, errors.New("jwks: Ed25519 key of wrong length")
	}
	return ed25519.PublicKey(x), nil
}

func decode(name, s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("jwks: member %q missing", name)
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("jwks: member %q: %w", name, err)
	}
	return b, nil
}

package authn

// This file holds the VULN switches that give an ES256/ES384 signature the
// jwt library rejected a second chance. None of it runs unless its switch
// is on.

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"slices"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"auth-gauntlet/reference/internal/vuln"
)

// ecdsaSecondChance re-verifies an ES256/ES384 token whose signature the
// library rejected, with the switches' own verifiers. The algorithm must
// still be allowed and the key is chosen as usual.
func (v *Verifier) ecdsaSecondChance(ctx context.Context, tok *jwt.Token, raw string) bool {
	m, ok := tok.Method.(*jwt.SigningMethodECDSA)
	if !ok || !slices.Contains(v.methods, m.Alg()) {
		return false
	}
	key, err := v.keyFor(ctx, tok)
	pub, isEC := key.(*ecdsa.PublicKey)
	if err != nil || !isEC {
		return false
	}
	h := m.Hash.New()
	h.Write([]byte(raw[:strings.LastIndexByte(raw, '.')]))
	digest := h.Sum(nil)

	if v.vuln.Has(vuln.PsychicSignature) && verifyJavaStyle(pub, digest, tok.Signature) {
		return true
	}
	// VULN ecdsa_der_accepted: "our KMS returns DER signatures".
	return v.vuln.Has(vuln.ECDSADERAccepted) && ecdsa.VerifyASN1(pub, digest, tok.Signature)
}

// verifyJavaStyle is VULN psychic_signature: a port of the ECDSA
// verification that shipped in Java 15-18 (CVE-2022-21449). It checks that
// r and s are below the group order but not that they are at least 1, so
// r = s = 0 verifies any message under any key: s⁻¹ computed as s^(n-2) is
// 0, u1·G + u2·Q is the point at infinity, whose x is taken as 0 = r.
func verifyJavaStyle(pub *ecdsa.PublicKey, digest, sig []byte) bool {
	c := pub.Curve
	n := c.Params().N
	size := (c.Params().BitSize + 7) / 8
	if len(sig) != 2*size {
		return false
	}
	r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
	if r.Cmp(n) >= 0 || s.Cmp(n) >= 0 {
		return false
	}
	e := new(big.Int).SetBytes(digest) // SHA-256/P-256 and SHA-384/P-384: no truncation
	w := new(big.Int).Exp(s, new(big.Int).Sub(n, big.NewInt(2)), n)
	u1 := new(big.Int).Mod(new(big.Int).Mul(e, w), n)
	u2 := new(big.Int).Mod(new(big.Int).Mul(r, w), n)
	x1, y1 := c.ScalarBaseMult(u1.Bytes())           //nolint:staticcheck // deliberately hand-rolled
	x2, y2 := c.ScalarMult(pub.X, pub.Y, u2.Bytes()) //nolint:staticcheck
	x, _ := c.Add(x1, y1, x2, y2)                    //nolint:staticcheck
	return new(big.Int).Mod(x, n).Cmp(r) == 0
}

package authn

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"auth-gauntlet/reference/internal/jwks"
	"auth-gauntlet/reference/internal/vuln"
)

// Policy is what a token must satisfy, from configuration.
type Policy struct {
	Issuer   string
	Audience string
	Algs     []string // allow-list; never taken from the token
	Leeway   time.Duration
	Typ      string // required "typ" header, e.g. "at+jwt"
}

// KeySource finds verification keys (a *jwks.Cache in production): by kid,
// or, for a token without kid, the one key that fits its alg.
type KeySource interface {
	Key(ctx context.Context, kid string) (jwks.Key, error)
	KeyForAlg(ctx context.Context, alg string) (jwks.Key, error)
}

var (
	errCrit      = errors.New(`token has a "crit" header`)
	errTyp       = errors.New(`token "typ" header does not match`)
	errNotObject = errors.New("token payload is not a JSON object")
	errKidType   = errors.New(`token "kid" header is not a string`)
)

// Verifier checks signature, header and claims of access tokens.
type Verifier struct {
	keys    KeySource
	policy  Policy
	vuln    vuln.Set
	methods []string
	leeway  time.Duration
	jku     *http.Client // used only with VULN jku_follow
}

// asymmetricAlgs are all asymmetric algorithms the jwt library knows.
var asymmetricAlgs = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// NewVerifier returns a verifier for policy; vs selects deliberate mistakes.
func NewVerifier(keys KeySource, p Policy, vs vuln.Set) *Verifier {
	v := &Verifier{keys: keys, policy: p, vuln: vs, methods: p.Algs, leeway: p.Leeway, jku: jkuClient()}
	if vs.Has(vuln.NoAlgAllowlist) {
		// VULN no_alg_allowlist: "the key function checks that alg fits the key anyway".
		v.methods = asymmetricAlgs
	}
	if vs.Has(vuln.AlgConfusion) || vs.Has(vuln.KidInjection) {
		// VULN: "legacy clients still send HS256 tokens".
		v.methods = append(slices.Clone(v.methods), "HS256", "HS384", "HS512")
	} else if vs.Has(vuln.WeakHMACSecret) {
		// VULN weak_hmac_secret: "the AS and the APIs share one HS256 secret".
		v.methods = append(slices.Clone(v.methods), "HS256")
	}
	if vs.Has(vuln.HugeLeeway) {
		v.leeway = 24 * time.Hour // VULN huge_leeway: "clock skew between data centres"
	}
	return v
}

// Verify returns the claims of raw if it is a valid access token. Errors
// about the token's syntax wrap jwt.ErrTokenMalformed.
func (v *Verifier) Verify(ctx context.Context, raw string) (*Claims, error) {
	seg, err := splitToken(raw)
	if err != nil {
		return nil, err
	}
	if v.vuln.Has(vuln.LenientBase64) {
		raw = lenientSignature(raw) // VULN lenient_base64
	}
	header, err := v.verifySignature(ctx, raw)
	if err != nil {
		return nil, err
	}
	if err := v.checkHeader(header); err != nil {
		return nil, err
	}
	claims, err := v.decodeClaims(seg.payload)
	if err != nil {
		return nil, err
	}
	if err := v.checkClaims(claims); err != nil {
		return nil, err
	}
	return claims, nil
}

// verifySignature returns the header of raw once its signature is verified
// with a key from the JWKS, selected by kid.
func (v *Verifier) verifySignature(ctx context.Context, raw string) (map[string]any, error) {
	if v.vuln.Has(vuln.NoSignatureCheck) {
		return decodeHeader(raw) // VULN no_signature_check
	}
	if v.vuln.Has(vuln.AlgNone) && strings.EqualFold(peekAlg(raw), "none") {
		return decodeHeader(raw) // VULN alg_none, any letter case
	}
	p := jwt.NewParser(jwt.WithValidMethods(v.methods), jwt.WithoutClaimsValidation())
	tok, err := p.ParseWithClaims(raw, &opaqueClaims{}, func(t *jwt.Token) (any, error) {
		return v.keyFor(ctx, t)
	})
	if errors.Is(err, jwt.ErrTokenSignatureInvalid) && (v.vuln.Has(vuln.PsychicSignature) || v.vuln.Has(vuln.ECDSADERAccepted)) &&
		v.ecdsaSecondChance(ctx, tok, raw) {
		return tok.Header, nil // VULN psychic_signature / ecdsa_der_accepted
	}
	if err != nil {
		return nil, err
	}
	return tok.Header, nil
}

// keyFor is the jwt.Keyfunc: the key comes from the JWKS by kid (without
// kid: the one key that fits alg), and must fit the token's algorithm
// (already checked against the allow-list).
func (v *Verifier) keyFor(ctx context.Context, t *jwt.Token) (any, error) {
	alg := t.Method.Alg()
	kid := ""
	if k, ok := t.Header["kid"]; ok {
		if kid, ok = k.(string); !ok {
			return nil, errKidType
		}
	}
	if strings.HasPrefix(alg, "HS") {
		return v.hmacKey(ctx, alg, kid) // only reachable with VULN alg_confusion/kid_injection/weak_hmac_secret
	}
	if key, ok, err := v.headerKey(ctx, t.Header, kid); ok || err != nil {
		return key, err // only with VULN embedded_jwk/jku_follow/x5c_trust
	}
	var k jwks.Key
	var err error
	if kid == "" {
		k, err = v.keys.KeyForAlg(ctx, alg)
	} else {
		k, err = v.keys.Key(ctx, kid)
	}
	if err != nil {
		return nil, err
	}
	if v.vuln.Has(vuln.NoAlgAllowlist) {
		// VULN no_alg_allowlist: the JWK's own "alg" member is not consulted either; only the key type is.
		k.Alg = ""
	}
	if !k.Accepts(alg) {
		return nil, fmt.Errorf("key %q cannot verify %s", kid, alg)
	}
	return k.Public, nil
}

// checkHeader enforces "crit" (RFC 7515 §4.1.11: this server understands no
// extension, so any "crit" is rejected) and "typ" (RFC 9068 §2.1).
func (v *Verifier) checkHeader(h map[string]any) error {
	if _, ok := h["crit"]; ok && !v.vuln.Has(vuln.CritIgnored) {
		return errCrit
	}
	if !v.vuln.Has(vuln.SkipTyp) {
		typ, _ := h["typ"].(string)
		if typ == "" || normTyp(typ) != normTyp(v.policy.Typ) {
			return errTyp
		}
	}
	return nil
}

// normTyp lower-cases a media type and drops "application/" (RFC 7515 §4.1.9).
func normTyp(s string) string {
	s = strings.ToLower(s)
	return strings.TrimPrefix(s, "application/")
}

// checkClaims validates exp, nbf, iat, iss and aud.
func (v *Verifier) checkClaims(claims *Claims) error {
	view := *claims
	if v.vuln.Has(vuln.SkipExp) {
		view.ExpiresAt = nil // VULN skip_exp
	}
	if v.vuln.Has(vuln.SkipNbf) {
		view.NotBefore, view.IssuedAt = nil, nil // VULN skip_nbf
	}
	if v.vuln.Has(vuln.IssArray) && issuerMatchesArray(claims.issuers, v.policy.Issuer) {
		view.Issuer = v.policy.Issuer // VULN iss_array
	}
	if v.vuln.Has(vuln.IssNormalized) && issuerMatchesNormalized(claims.Issuer, v.policy.Issuer) {
		view.Issuer = v.policy.Issuer // VULN iss_normalized
	}
	if err := v.validator(claims.ignored).Validate(&view); err != nil {
		return fmt.Errorf("%w: %w", jwt.ErrTokenInvalidClaims, err)
	}
	if v.vuln.Has(vuln.AudSubstring) && !v.vuln.Has(vuln.SkipAud) && !audLoose(claims.Audience, v.policy.Audience) {
		return fmt.Errorf("%w: %w", jwt.ErrTokenInvalidClaims, jwt.ErrTokenInvalidAudience)
	}
	return nil
}

// validator checks exp (required), nbf, iat, iss and aud. ignored lists
// registered claims that VULN claim_types_lenient dropped for their type:
// the key was there, so the claim counts as present and is not checked.
func (v *Verifier) validator(ignored []string) *jwt.Validator {
	opts := []jwt.ParserOption{jwt.WithLeeway(v.leeway), jwt.WithIssuedAt()}
	if !v.vuln.Has(vuln.SkipExp) && !slices.Contains(ignored, "exp") {
		opts = append(opts, jwt.WithExpirationRequired())
	}
	if !v.vuln.Has(vuln.SkipIss) && !slices.Contains(ignored, "iss") {
		opts = append(opts, jwt.WithIssuer(v.policy.Issuer))
	}
	if !v.vuln.Has(vuln.SkipAud) && !v.vuln.Has(vuln.AudSubstring) && !slices.Contains(ignored, "aud") {
		opts = append(opts, jwt.WithAudience(v.policy.Audience))
	}
	return jwt.NewValidator(opts...)
}

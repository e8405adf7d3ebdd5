package authn

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

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

// KeySource finds verification keys by kid (a *jwks.Cache in production).
type KeySource interface {
	Key(ctx context.Context, kid string) (jwks.Key, error)
}

var (
	errCrit      = errors.New(`token has a "crit" header`)
	errTyp       = errors.New(`token "typ" header does not match`)
	errNotObject = errors.New("token payload is not a JSON object")
	errKidType   = errors.New(`token "kid" header is not a string`)
)

// Verifier checks signature, header and claims of access tokens.
type Verifier struct {
	keys      KeySource
	policy    Policy
	vuln      vuln.Set
	methods   []string
	validator *jwt.Validator
	jku       *http.Client // used only with VULN jku_follow
}

// NewVerifier returns a verifier for policy; vs selects deliberate mistakes.
func NewVerifier(keys KeySource, p Policy, vs vuln.Set) *Verifier {
	v := &Verifier{keys: keys, policy: p, vuln: vs, methods: p.Algs, jku: jkuClient()}
	if vs.Has(vuln.AlgConfusion) || vs.Has(vuln.KidInjection) {
		// VULN: "legacy clients still send HS256 tokens".
		v.methods = append(append([]string{}, p.Algs...), "HS256", "HS384", "HS512")
	}

	leeway := p.Leeway
	if vs.Has(vuln.HugeLeeway) {
		leeway = 24 * time.Hour // VULN huge_leeway: "clock skew between data centres"
	}
	opts := []jwt.ParserOption{jwt.WithLeeway(leeway), jwt.WithIssuedAt()}
	if !vs.Has(vuln.SkipExp) {
		opts = append(opts, jwt.WithExpirationRequired())
	}
	if !vs.Has(vuln.SkipIss) {
		opts = append(opts, jwt.WithIssuer(p.Issuer))
	}
	if !vs.Has(vuln.SkipAud) && !vs.Has(vuln.AudSubstring) {
		opts = append(opts, jwt.WithAudience(p.Audience))
	}
	v.validator = jwt.NewValidator(opts...)
	return v
}

// Verify returns the claims of raw if it is a valid access token.
func (v *Verifier) Verify(ctx context.Context, raw string) (*Claims, error) {
	claims := &Claims{}
	header, err := v.verifySignature(ctx, raw, claims)
	if err != nil {
		return nil, err
	}
	if err := v.checkHeader(header); err != nil {
		return nil, err
	}
	if err := v.checkClaims(raw, claims); err != nil {
		return nil, err
	}
	return claims, nil
}

// verifySignature decodes raw into claims and returns its header once the
// signature is verified with a key from the JWKS, selected by kid.
func (v *Verifier) verifySignature(ctx context.Context, raw string, claims *Claims) (map[string]any, error) {
	if v.vuln.Has(vuln.NoSignatureCheck) {
		return decodeUnverified(raw, claims) // VULN no_signature_check
	}
	if v.vuln.Has(vuln.AlgNone) && strings.EqualFold(peekAlg(raw), "none") {
		return decodeUnverified(raw, claims) // VULN alg_none, any letter case
	}
	p := jwt.NewParser(jwt.WithValidMethods(v.methods), jwt.WithoutClaimsValidation())
	tok, err := p.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		return v.keyFor(ctx, t)
	})
	if err != nil {
		return nil, err
	}
	return tok.Header, nil
}

// keyFor is the jwt.Keyfunc: the key comes from the JWKS by kid, and must
// fit the token's algorithm (already checked against the allow-list).
func (v *Verifier) keyFor(ctx context.Context, t *jwt.Token) (any, error) {
	alg := t.Method.Alg()
	kid := ""
	if k, ok := t.Header["kid"]; ok {
		if kid, ok = k.(string); !ok {
			return nil, errKidType
		}
	}
	if strings.HasPrefix(alg, "HS") {
		return v.hmacKey(ctx, kid) // only reachable with VULN alg_confusion/kid_injection
	}
	if key, ok, err := v.headerKey(ctx, t.Header, kid); ok || err != nil {
		return key, err // only with VULN embedded_jwk/jku_follow/x5c_trust
	}
	k, err := v.keys.Key(ctx, kid)
	if err != nil {
		return nil, err
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
func (v *Verifier) checkClaims(raw string, claims *Claims) error {
	if !payloadIsObject(raw) {
		return errNotObject
	}
	view := *claims
	if v.vuln.Has(vuln.SkipExp) {
		view.ExpiresAt = nil // VULN skip_exp
	}
	if v.vuln.Has(vuln.SkipNbf) {
		view.NotBefore, view.IssuedAt = nil, nil // VULN skip_nbf
	}
	if err := v.validator.Validate(&view); err != nil {
		return fmt.Errorf("%w: %w", jwt.ErrTokenInvalidClaims, err)
	}
	if v.vuln.Has(vuln.AudSubstring) && !v.vuln.Has(vuln.SkipAud) && !audLoose(claims.Audience, v.policy.Audience) {
		return fmt.Errorf("%w: %w", jwt.ErrTokenInvalidClaims, jwt.ErrTokenInvalidAudience)
	}
	return nil
}

// payloadIsObject reports whether the JWS payload is a JSON object.
// (encoding/json accepts "null" for a struct without complaint.)
func payloadIsObject(raw string) bool {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return false
	}
	s := strings.TrimLeftFunc(string(b), unicode.IsSpace)
	return strings.HasPrefix(s, "{")
}

package authserver

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"auth-gauntlet/reference/internal/signing"
	"auth-gauntlet/reference/internal/vuln"
)

// AccessTokenType is the "typ" header of access tokens (RFC 9068 §2.1).
const AccessTokenType = "at+jwt"

// WeakHMACKid is the "kid" header of the HS256 access tokens of VULN
// weak_hmac_secret (none with VULN no_kid as well). It names no JWKS key:
// the secret is never published. A kid is kept so that weak_hmac_secret
// alone does not also look like no_kid.
const WeakHMACKid = "hs256"

// LongTTL is the access-token lifetime of VULN long_ttl.
const LongTTL = 24 * time.Hour

// tokens issues and verifies this server's access tokens.
type tokens struct {
	issuer string
	keys   []signing.Key // all keys, for verification
	signer signing.Key   // the first key of SIGNING_ALG
	ttl    time.Duration
	vuln   vuln.Set
	now    func() time.Time
}

func newTokens(issuer string, keys []signing.Key, alg string, ttl time.Duration, vs vuln.Set, now func() time.Time) (*tokens, error) {
	i := slices.IndexFunc(keys, func(k signing.Key) bool { return k.Alg == alg })
	if i < 0 {
		return nil, fmt.Errorf("no %s signing key", alg)
	}
	if vs.Has(vuln.LongTTL) {
		ttl = LongTTL // VULN long_ttl: "so the batch jobs never see an expired token"
	}
	return &tokens{issuer: issuer, keys: keys, signer: keys[i], ttl: ttl, vuln: vs, now: now}, nil
}

// grant is what an access token is issued for.
type grant struct {
	client   *Client
	subject  string
	audience string
	scopes   []string
}

// issued is a signed access token.
type issued struct {
	token     string
	jti       string
	expiresIn time.Duration
}

// issue signs an RFC 9068 access token for g.
func (t *tokens) issue(g grant) (issued, error) {
	jti, err := newJTI()
	if err != nil {
		return issued{}, err
	}
	now := t.now()
	claims := jwt.MapClaims{
		"iss": t.issuer, "sub": g.subject, "aud": g.audience,
		"exp": now.Add(t.ttl).Unix(), "iat": now.Unix(), "jti": jti,
		"client_id": g.client.ID, "scope": strings.Join(g.scopes, " "),
	}
	if t.vuln.Has(vuln.SensitiveClaims) {
		// VULN sensitive_claims: "the API needs to know who to page".
		claims["client_secret"] = g.client.Secret
		claims["email"] = "ops@example.com"
	}

	var tok *jwt.Token
	var key any
	if t.vuln.Has(vuln.WeakHMACSecret) {
		// VULN weak_hmac_secret: "one shared secret is simpler than a key pair".
		tok = jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
		tok.Header["kid"] = WeakHMACKid
		key = []byte(vuln.WeakHMACKey)
	} else {
		tok = jwt.NewWithClaims(t.signer.Method(), claims)
		tok.Header["kid"] = t.signer.ID
		key = t.signer.Private
	}
	tok.Header["typ"] = AccessTokenType
	if t.vuln.Has(vuln.NoKid) {
		delete(tok.Header, "kid") // VULN no_kid: "there is only one key anyway"
	}
	s, err := tok.SignedString(key)
	if err != nil {
		return issued{}, err
	}
	return issued{token: s, jti: jti, expiresIn: t.ttl}, nil
}

// newJTI returns 128 random bits, base64url.
func newJTI() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// accessClaims are the claims read back from an access token.
type accessClaims struct {
	jwt.RegisteredClaims
	ClientID string `json:"client_id"`
	Scope    string `json:"scope"`
}

var (
	errNotAccessToken = errors.New(`not an access token ("typ" is not at+jwt)`)
	errClaimsMissing  = errors.New("jti, client_id, exp or iat missing")
)

// parse verifies raw as an access token this server issued: signed by one
// of its keys (HS256 with the weak secret only under VULN weak_hmac_secret),
// typ at+jwt, iss this issuer, not expired, jti and client_id present.
func (t *tokens) parse(raw string) (*accessClaims, error) {
	methods := make([]string, 0, len(t.keys)+1)
	for _, k := range t.keys {
		methods = append(methods, k.Alg)
	}
	if t.vuln.Has(vuln.WeakHMACSecret) {
		methods = append(methods, "HS256")
	}
	p := jwt.NewParser(jwt.WithValidMethods(methods), jwt.WithIssuer(t.issuer), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithTimeFunc(t.now))
	var c accessClaims
	tok, err := p.ParseWithClaims(raw, &c, t.keyFor)
	if err != nil {
		return nil, err
	}
	if typ, _ := tok.Header["typ"].(string); strings.TrimPrefix(strings.ToLower(typ), "application/") != AccessTokenType {
		return nil, errNotAccessToken
	}
	if c.ID == "" || c.ClientID == "" || c.ExpiresAt == nil || c.IssuedAt == nil {
		return nil, errClaimsMissing
	}
	return &c, nil
}

// keyFor selects the verification key: by kid among the keys of the
// token's alg, or all keys of that alg when there is no kid (VULN no_kid
// tokens).
func (t *tokens) keyFor(tok *jwt.Token) (any, error) {
	alg := tok.Method.Alg()
	if alg == "HS256" {
		return []byte(vuln.WeakHMACKey), nil // allowed only under VULN weak_hmac_secret
	}
	kid, hasKid := tok.Header["kid"]
	var set jwt.VerificationKeySet
	for _, k := range t.keys {
		if k.Alg == alg && (!hasKid || kid == k.ID) {
			set.Keys = append(set.Keys, k.Public())
		}
	}
	switch len(set.Keys) {
	case 0:
		return nil, fmt.Errorf("no %s key with kid %v", alg, kid)
	case 1:
		return set.Keys[0], nil
	}
	return set, nil
}

package authn_test

import (
	"context"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"auth-gauntlet/reference/internal/authn"
	"auth-gauntlet/reference/internal/jwks"
	"auth-gauntlet/reference/internal/server"
	"auth-gauntlet/reference/internal/testkit"
	"auth-gauntlet/reference/internal/vuln"
)

const (
	iss = "https://as.test"
	aud = "orders-api"

	challengeMissing = `Bearer realm="reference"`
	challengeInvalid = `Bearer realm="reference", error="invalid_token"`
	challengeRequest = `Bearer realm="reference", error="invalid_request"`
)

func challengeScope(s string) string {
	return `Bearer realm="reference", error="insufficient_scope", scope="` + s + `"`
}

// keys are generated once per test binary.
var (
	keysOnce                   sync.Once
	rsaK, ecK, ec384, edK, bad testkit.Signer // bad is not in the JWKS
)

type fixture struct {
	jwks     *testkit.JWKSServer
	attacker *testkit.JWKSServer // serves bad's key, for jku
}

func newFixture(t *testing.T) *fixture {
	keysOnce.Do(func() {
		rsaK = testkit.NewRSA(t, "rsa-1")
		ecK = testkit.NewEC(t, "ec-1", elliptic.P256(), "ES256")
		ec384 = testkit.NewEC(t, "ec-384", elliptic.P384(), "ES384")
		edK = testkit.NewEd25519(t, "ed-1")
		bad = testkit.NewRSA(t, "evil")
	})
	return &fixture{
		jwks:     testkit.NewJWKSServer(t, testkit.JWKS(rsaK, ecK, ec384, edK)),
		attacker: testkit.NewJWKSServer(t, testkit.JWKS(bad)),
	}
}

// fakeRevoker: jti "revoked-jti" is revoked, jti "redis-down" errors.
type fakeRevoker struct{}

func (fakeRevoker) Revoked(_ context.Context, jti string) (bool, error) {
	switch jti {
	case "revoked-jti":
		return true, nil
	case "redis-down":
		return false, errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")
	}
	return false, nil
}

var quiet = log.New(io.Discard, "", 0)

// handler builds the resource routes with the given VULN list.
func (f *fixture) handler(t *testing.T, switches string) (http.Handler, *jwks.Cache) {
	t.Helper()
	vs := vuln.MustParse(switches)
	cache := jwks.NewCache(f.jwks.JWKSURL(), jwks.Options{MinRefresh: time.Minute, Unbounded: vs.Has(vuln.JWKSRefetchUnbounded)})
	if err := cache.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	var a authn.Auth
	if vs.Has(vuln.TutorialMiddleware) {
		a = authn.NewTutorial(cache, vs)
	} else {
		p := authn.Policy{Issuer: iss, Audience: aud, Algs: []string{"RS256", "ES256", "EdDSA"}, Leeway: 30 * time.Second, Typ: "at+jwt"}
		a = authn.NewMiddleware(authn.NewVerifier(cache, p, vs), fakeRevoker{}, vs, quiet)
	}
	return server.Routes(a), cache
}

// req describes one request.
type req struct {
	method, path string
	auth         []string // Authorization header values
	form         url.Values
}

func bearer(tok string) []string { return []string{"Bearer " + tok} }

func (r req) do(h http.Handler) *httptest.ResponseRecorder {
	method, path := r.method, r.path
	if method == "" {
		method = http.MethodGet
	}
	if path == "" {
		path = "/api/whoami"
	}
	var body io.Reader
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	}
	hr := httptest.NewRequest(method, path, body)
	if r.form != nil {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, v := range r.auth {
		hr.Header.Add("Authorization", v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, hr)
	return rec
}

type outcome struct {
	status    int
	challenge string // expected WWW-Authenticate ("" = absent)
}

var (
	ok        = outcome{http.StatusOK, ""}
	created   = outcome{http.StatusCreated, ""}
	invalid   = outcome{http.StatusUnauthorized, challengeInvalid}
	missing   = outcome{http.StatusUnauthorized, challengeMissing}
	badReq    = outcome{http.StatusBadRequest, challengeRequest}
	serverErr = outcome{http.StatusInternalServerError, ""}
	noScopeR  = outcome{http.StatusForbidden, challengeScope("orders:read")}
	noAdmin   = outcome{http.StatusForbidden, challengeScope("admin")}
)

type tcase struct {
	name string
	req  req
	want outcome            // secure default
	flip map[string]outcome // outcome when that one switch is on
}

func claims(mod func(jwt.MapClaims)) jwt.MapClaims {
	c := testkit.Claims(iss, aud)
	if mod != nil {
		mod(c)
	}
	return c
}

func derOf(t *testing.T, s testkit.Signer) []byte {
	der, err := x509.MarshalPKIXPublicKey(s.Priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// pemOf is exactly pem.EncodeToMemory of the SPKI, final newline included.
func pemOf(t *testing.T, s testkit.Signer) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: derOf(t, s)})
}

func merge(ms ...map[string]outcome) map[string]outcome {
	out := map[string]outcome{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

// cases is the shared table: the secure default, and which single switch
// changes each outcome (every other switch must leave it alone).
func cases(t *testing.T, f *fixture) []tcase {
	now := time.Now().Unix()
	valid := rsaK.Token(t, claims(nil), nil)
	hdr := func(alg, kid string) map[string]any { return map[string]any{"alg": alg, "kid": kid, "typ": "at+jwt"} }
	acceptedBy := func(names ...string) map[string]outcome {
		m := map[string]outcome{}
		for _, n := range names {
			m[n] = ok
		}
		return m
	}
	sigBypass := func(names ...string) map[string]outcome { return acceptedBy(append(names, vuln.NoSignatureCheck)...) }
	forgedKid := bad
	forgedKid.Kid = "rsa-1" // attacker key, victim's kid
	noKid, noKidEC, noKidEd, noKidBad, noKidPS, noKid384 := rsaK, ecK, edK, bad, rsaK, ec384
	noKid.Kid, noKidEC.Kid, noKidEd.Kid, noKidBad.Kid, noKidPS.Kid, noKid384.Kid = "", "", "", "", "", ""
	noKidPS.Alg = "PS256"
	weak := []byte(vuln.WeakHMACKey)
	hsNoKid := map[string]any{"alg": "HS256", "typ": "at+jwt"}
	weakOK := sigBypass(vuln.WeakHMACSecret)
	ecKidRSAKey := rsaK
	ecKidRSAKey.Kid = "ec-1"
	parts := strings.Split(valid, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"`+iss+`","aud":"`+aud+`","sub":"admin","exp":9999999999}`)) + "." + parts[2]
	withSig := func(sig string) string { return parts[0] + "." + parts[1] + "." + sig }
	sigBytes, _ := base64.RawURLEncoding.DecodeString(parts[2])
	rs512, ps256 := rsaK, rsaK
	rs512.Alg, ps256.Alg = "RS512", "PS256"
	malformed := map[string]outcome{vuln.Malformed500: serverErr}
	// claimsJSON is the valid claim set as JSON text; members are appended
	// after the last one (as "...,"x":1}").
	claimsJSON := func(mod func(jwt.MapClaims), extra string) []byte {
		b, _ := json.Marshal(claims(mod))
		if extra == "" {
			return b
		}
		return append(b[:len(b)-1], []byte(","+extra+"}")...)
	}
	signed := func(payload []byte) string { return rsaK.SignRaw(t, hdr("RS256", "rsa-1"), payload) }
	nested := func(depth int) string { return strings.Repeat("[", depth) + strings.Repeat("]", depth) }
	noIss := func(c jwt.MapClaims) { delete(c, "iss") }
	dupIss := func(first, last string) []byte {
		return []byte(`{"iss":"` + first + `",` + string(claimsJSON(noIss, `"iss":"`+last+`"`)[1:]))
	}
	lenient := acceptedBy(vuln.ClaimTypesLenient)
	dupAlg := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"rsa-1","typ":"at+jwt","alg":"none"}`)) + "." + parts[1]
	dupAlgSig, err := jwt.SigningMethodRS256.Sign(dupAlg, rsaK.Priv)
	if err != nil {
		t.Fatal(err)
	}
	dupAlg += "." + base64.RawURLEncoding.EncodeToString(dupAlgSig)
	jwe := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RSA-OAEP","enc":"A256GCM"}`)) + ".ZW5j.aXY.Y2lwaGVy.dGFn"

	return []tcase{
		// accepted
		{name: "valid RS256", req: req{auth: bearer(valid)}, want: ok},
		{name: "valid ES256", req: req{auth: bearer(ecK.Token(t, claims(nil), nil))}, want: ok},
		{name: "valid EdDSA", req: req{auth: bearer(edK.Token(t, claims(nil), nil))}, want: ok},
		{name: "typ application/at+jwt", req: req{auth: bearer(rsaK.Token(t, claims(nil), map[string]any{"typ": "application/AT+JWT"}))}, want: ok},
		{name: "aud array", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["aud"] = []string{"x", aud} }), nil))}, want: ok},
		{name: "expired within leeway", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["exp"] = now - 10 }), nil))}, want: ok},
		{name: "scheme case-insensitive", req: req{auth: []string{"bEaReR " + valid}}, want: ok, flip: map[string]outcome{vuln.BearerCaseSensitive: missing}},
		{name: "no jti", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { delete(c, "jti") }), nil))}, want: ok},
		{name: "orders:read", req: req{path: "/api/orders", auth: bearer(valid)}, want: ok},
		{name: "scp array", req: req{path: "/api/orders", auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { delete(c, "scope"); c["scp"] = []string{"orders:read"} }), nil))}, want: ok},

		// signature
		{name: "alg none", req: req{auth: bearer(testkit.Raw(hdr("none", "rsa-1"), claims(nil), nil))}, want: invalid, flip: sigBypass(vuln.AlgNone)},
		{name: "alg nOnE with signature", req: req{auth: bearer(testkit.Raw(hdr("nOnE", "rsa-1"), claims(nil), []byte("sig")))}, want: invalid, flip: sigBypass(vuln.AlgNone)},
		{name: "HS256 keyed with RSA PEM", req: req{auth: bearer(testkit.HMAC(t, "HS256", hdr("HS256", "rsa-1"), claims(nil), pemOf(t, rsaK)))}, want: invalid, flip: sigBypass(vuln.AlgConfusion)},
		{name: "forged signature", req: req{auth: bearer(forgedKid.Token(t, claims(nil), nil))}, want: invalid, flip: sigBypass()},
		{name: "tampered payload", req: req{auth: bearer(tampered)}, want: invalid, flip: sigBypass()},
		{name: "embedded jwk", req: req{auth: bearer(bad.Token(t, claims(nil), map[string]any{"jwk": bad.JWK(false)}))}, want: invalid, flip: sigBypass(vuln.EmbeddedJWK)},
		{name: "jku", req: req{auth: bearer(bad.Token(t, claims(nil), map[string]any{"jku": f.attacker.JWKSURL()}))}, want: invalid, flip: sigBypass(vuln.JKUFollow)},
		{name: "x5c", req: req{auth: bearer(bad.Token(t, claims(nil), map[string]any{"x5c": []string{base64.StdEncoding.EncodeToString(bad.SelfSigned(t))}}))}, want: invalid, flip: sigBypass(vuln.X5CTrust)},
		{name: "kid /dev/null, empty HMAC key", req: req{auth: bearer(testkit.HMAC(t, "HS256", hdr("HS256", strings.Repeat("../", 24)+"dev/null"), claims(nil), []byte{}))}, want: invalid, flip: sigBypass(vuln.KidInjection)},
		{name: "unknown kid", req: req{auth: bearer(bad.Token(t, claims(nil), nil))}, want: invalid, flip: sigBypass()},
		{name: "no kid, one RSA key", req: req{auth: bearer(noKid.Token(t, claims(nil), nil))}, want: ok},
		{name: "no kid, one P-256 key", req: req{auth: bearer(noKidEC.Token(t, claims(nil), nil))}, want: ok},
		{name: "no kid, one Ed25519 key", req: req{auth: bearer(noKidEd.Token(t, claims(nil), nil))}, want: ok},
		{name: "no kid, attacker RSA key", req: req{auth: bearer(noKidBad.Token(t, claims(nil), nil))}, want: invalid, flip: sigBypass()},
		{name: "no kid, alg not allowed (PS256)", req: req{auth: bearer(noKidPS.Token(t, claims(nil), nil))}, want: invalid, flip: sigBypass(vuln.NoAlgAllowlist)},
		{name: "no kid, alg not allowed (ES384)", req: req{auth: bearer(noKid384.Token(t, claims(nil), nil))}, want: invalid, flip: sigBypass(vuln.NoAlgAllowlist)},
		{name: "alg does not fit key", req: req{auth: bearer(ecKidRSAKey.Token(t, claims(nil), nil))}, want: invalid, flip: sigBypass()},
		{name: "alg not allowed (PS256)", req: req{auth: bearer(ps256.Token(t, claims(nil), nil))}, want: invalid, flip: sigBypass(vuln.NoAlgAllowlist)},
		{name: "alg not allowed (RS512)", req: req{auth: bearer(rs512.Token(t, claims(nil), nil))}, want: invalid, flip: sigBypass(vuln.NoAlgAllowlist)},
		{name: "alg not allowed (ES384, P-384 key)", req: req{auth: bearer(ec384.Token(t, claims(nil), nil))}, want: invalid, flip: sigBypass(vuln.NoAlgAllowlist)},
		{name: "HS384 keyed with RSA PEM", req: req{auth: bearer(testkit.HMAC(t, "HS384", hdr("HS384", "rsa-1"), claims(nil), pemOf(t, rsaK)))}, want: invalid, flip: sigBypass(vuln.AlgConfusion)},
		{name: "HS512 keyed with RSA PEM", req: req{auth: bearer(testkit.HMAC(t, "HS512", hdr("HS512", "rsa-1"), claims(nil), pemOf(t, rsaK)))}, want: invalid, flip: sigBypass(vuln.AlgConfusion)},
		{name: "HS256 keyed with RSA PEM, no final newline", req: req{auth: bearer(testkit.HMAC(t, "HS256", hdr("HS256", "rsa-1"), claims(nil), []byte(strings.TrimSpace(string(pemOf(t, rsaK))))))}, want: invalid, flip: sigBypass()},
		{name: "HS256 keyed with RSA SPKI DER", req: req{auth: bearer(testkit.HMAC(t, "HS256", hdr("HS256", "rsa-1"), claims(nil), derOf(t, rsaK)))}, want: invalid, flip: sigBypass()},
		{name: "HS256 keyed with changeme", req: req{auth: bearer(testkit.HMAC(t, "HS256", hdr("HS256", "hs256"), claims(nil), weak))}, want: invalid, flip: weakOK},
		{name: "HS256 keyed with changeme, no kid", req: req{auth: bearer(testkit.HMAC(t, "HS256", hsNoKid, claims(nil), weak))}, want: invalid, flip: weakOK},
		{name: "HS256 keyed with changeme, kid rsa-1", req: req{auth: bearer(testkit.HMAC(t, "HS256", hdr("HS256", "rsa-1"), claims(nil), weak))}, want: invalid, flip: weakOK},
		{name: "HS256 keyed with changeme, admin scope missing", req: req{path: "/api/admin", auth: bearer(testkit.HMAC(t, "HS256", hdr("HS256", "hs256"), claims(nil), weak))},
			want: invalid, flip: map[string]outcome{vuln.WeakHMACSecret: noAdmin, vuln.NoSignatureCheck: noAdmin}},
		{name: "HS256 keyed with changeme, wrong aud", req: req{auth: bearer(testkit.HMAC(t, "HS256", hdr("HS256", "hs256"), claims(func(c jwt.MapClaims) { c["aud"] = "billing-api" }), weak))}, want: invalid},
		{name: "HS256 keyed with changeme, wrong iss", req: req{auth: bearer(testkit.HMAC(t, "HS256", hdr("HS256", "hs256"), claims(func(c jwt.MapClaims) { c["iss"] = "https://evil.test" }), weak))}, want: invalid},
		{name: "HS256 keyed with changeme, expired", req: req{auth: bearer(testkit.HMAC(t, "HS256", hdr("HS256", "hs256"), claims(func(c jwt.MapClaims) { c["exp"] = now - 3600 }), weak))}, want: invalid},
		{name: "HS256 keyed with changeme, typ JWT", req: req{auth: bearer(testkit.HMAC(t, "HS256", map[string]any{"alg": "HS256", "typ": "JWT"}, claims(nil), weak))}, want: invalid},
		{name: "HS256 keyed with changeme, revoked", req: req{auth: bearer(testkit.HMAC(t, "HS256", hsNoKid, claims(func(c jwt.MapClaims) { c["jti"] = "revoked-jti" }), weak))}, want: invalid},
		{name: "HS384 keyed with changeme", req: req{auth: bearer(testkit.HMAC(t, "HS384", hdr("HS384", "hs256"), claims(nil), weak))}, want: invalid, flip: sigBypass()},
		{name: "HS512 keyed with changeme", req: req{auth: bearer(testkit.HMAC(t, "HS512", map[string]any{"alg": "HS512", "typ": "at+jwt"}, claims(nil), weak))}, want: invalid, flip: sigBypass()},
		{name: "HS256 keyed with secret", req: req{auth: bearer(testkit.HMAC(t, "HS256", hdr("HS256", "hs256"), claims(nil), []byte("secret")))}, want: invalid, flip: sigBypass()},
		{name: "ES256 r = s = 0", req: req{auth: bearer(testkit.Raw(hdr("ES256", "ec-1"), claims(nil), make([]byte, 64)))}, want: invalid, flip: sigBypass(vuln.PsychicSignature)},
		{name: "ES256 r = s = 0, DER", req: req{auth: bearer(testkit.Raw(hdr("ES256", "ec-1"), claims(nil), []byte{0x30, 6, 2, 1, 0, 2, 1, 0}))}, want: invalid, flip: sigBypass()},
		{name: "ES256 r = 0, s = 1", req: req{auth: bearer(testkit.Raw(hdr("ES256", "ec-1"), claims(nil), append(make([]byte, 63), 1)))}, want: invalid, flip: sigBypass()},
		{name: "ES256 DER signature", req: req{auth: bearer(ecK.SignDER(t, hdr("ES256", "ec-1"), claims(nil)))}, want: invalid, flip: sigBypass(vuln.ECDSADERAccepted)},
		{name: "signature with !@$% inserted", req: req{auth: bearer(withSig(parts[2][:10] + "!@$%" + parts[2][10:]))}, want: invalid, flip: acceptedBy(vuln.LenientBase64)},
		{name: "signature with a space inserted", req: req{auth: bearer(withSig(parts[2][:10] + " " + parts[2][10:]))}, want: invalid, flip: acceptedBy(vuln.LenientBase64)},
		{name: "signature with == padding", req: req{auth: bearer(withSig(parts[2] + "=="))}, want: invalid, flip: merge(sigBypass(vuln.LenientBase64), malformed)},
		{name: "signature in standard base64", req: req{auth: bearer(withSig(base64.StdEncoding.EncodeToString(sigBytes)))}, want: invalid, flip: merge(sigBypass(vuln.LenientBase64), malformed)},
		{name: "header alg RS256 then alg none", req: req{auth: bearer(dupAlg)}, want: invalid, flip: sigBypass(vuln.AlgNone)},
		{name: "crit", req: req{auth: bearer(rsaK.Token(t, claims(nil), map[string]any{"crit": []string{"x-ext"}, "x-ext": 1}))}, want: invalid, flip: acceptedBy(vuln.CritIgnored)},
		{name: "crit x-gauntlet-unknown", req: req{auth: bearer(rsaK.Token(t, claims(nil), map[string]any{"crit": []string{"x-gauntlet-unknown"}, "x-gauntlet-unknown": true}))}, want: invalid, flip: acceptedBy(vuln.CritIgnored)},
		{name: "crit empty", req: req{auth: bearer(rsaK.Token(t, claims(nil), map[string]any{"crit": []string{}}))}, want: invalid, flip: acceptedBy(vuln.CritIgnored)},
		{name: "payload null", req: req{auth: bearer(rsaK.SignRaw(t, hdr("RS256", "rsa-1"), []byte("null")))}, want: invalid},

		// token parsing
		{name: "four segments", req: req{auth: bearer(valid + "." + parts[2])}, want: invalid, flip: malformed},
		{name: "five segments (JWE)", req: req{auth: bearer(jwe)}, want: invalid, flip: malformed},
		{name: "one segment", req: req{auth: bearer(parts[0])}, want: invalid, flip: malformed},
		{name: "payload not base64url", req: req{auth: bearer(parts[0] + ".eyJ+" + parts[1] + "." + parts[2])}, want: invalid, flip: malformed},
		{name: "header not JSON", req: req{auth: bearer(base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256",`)) + "." + parts[1] + "." + parts[2])}, want: invalid, flip: malformed},
		{name: "payload not JSON", req: req{auth: bearer(signed([]byte(`{"sub":"x",`)))}, want: invalid, flip: malformed},
		{name: "payload nested 64 deep", req: req{auth: bearer(signed(claimsJSON(nil, `"x":`+nested(63))))}, want: ok},
		{name: "payload nested 100 deep", req: req{auth: bearer(signed(claimsJSON(nil, `"x":`+nested(99))))}, want: invalid, flip: malformed},
		{name: "header nested 100 deep", req: req{auth: bearer(rsaK.Token(t, claims(nil), map[string]any{"x": json.RawMessage(nested(99))}))}, want: invalid, flip: malformed},
		{name: "header over 8 KiB", req: req{auth: bearer(rsaK.Token(t, claims(nil), map[string]any{"x-pad": strings.Repeat("a", 9000)}))}, want: invalid, flip: malformed},
		{name: "payload over 8 KiB", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["pad"] = strings.Repeat("a", 9000) }), nil))}, want: invalid, flip: malformed},
		{name: "Authorization over 16 KiB", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["pad"] = strings.Repeat("a", 13000) }), nil))}, want: invalid},
		{name: "payload [claims]", req: req{auth: bearer(signed([]byte(`["x",` + string(claimsJSON(nil, "")) + `]`)))}, want: invalid, flip: acceptedBy(vuln.PayloadNotObject)},
		{name: "payload [claims without iss]", req: req{auth: bearer(signed([]byte(`[` + string(claimsJSON(noIss, "")) + `]`)))}, want: invalid},
		{name: "payload a string", req: req{auth: bearer(signed([]byte(`"gauntlet"`)))}, want: invalid},
		{name: "dup iss, last wrong", req: req{auth: bearer(signed(dupIss(iss, "https://attacker.test")))}, want: invalid, flip: acceptedBy(vuln.DupKeysFirstWins, vuln.SkipIss)},
		{name: "dup iss, last right", req: req{auth: bearer(signed(dupIss("https://attacker.test", iss)))}, want: ok, flip: map[string]outcome{vuln.DupKeysFirstWins: invalid}},
		{name: "exp as a string in the past", req: req{auth: bearer(signed(claimsJSON(func(c jwt.MapClaims) { c["exp"] = strconv.FormatInt(now-3600, 10) }, "")))}, want: invalid, flip: lenient},
		{name: `exp as a string "9999999999"`, req: req{auth: bearer(signed(claimsJSON(func(c jwt.MapClaims) { c["exp"] = "9999999999" }, "")))}, want: invalid, flip: lenient},
		{name: "exp as an object", req: req{auth: bearer(signed(claimsJSON(func(c jwt.MapClaims) { c["exp"] = map[string]any{"value": now + 600} }, "")))}, want: invalid, flip: lenient},
		{name: "exp null", req: req{auth: bearer(signed(claimsJSON(func(c jwt.MapClaims) { c["exp"] = nil }, "")))}, want: invalid, flip: lenient},
		{name: "nbf as a string in the future", req: req{auth: bearer(signed(claimsJSON(func(c jwt.MapClaims) { c["nbf"] = strconv.FormatInt(now+3600, 10) }, "")))}, want: invalid, flip: lenient},
		{name: "iat as an object", req: req{auth: bearer(signed(claimsJSON(func(c jwt.MapClaims) { c["iat"] = map[string]any{} }, "")))}, want: invalid, flip: lenient},
		{name: "iss as a number", req: req{auth: bearer(signed(claimsJSON(func(c jwt.MapClaims) { c["iss"] = 12345 }, "")))}, want: invalid, flip: lenient},
		{name: "aud as an object", req: req{auth: bearer(signed(claimsJSON(func(c jwt.MapClaims) { c["aud"] = map[string]any{"aud": aud} }, "")))}, want: invalid, flip: lenient},
		{name: "aud array with a number", req: req{auth: bearer(signed(claimsJSON(func(c jwt.MapClaims) { c["aud"] = []any{aud, 1} }, "")))}, want: invalid, flip: lenient},
		{name: "sub as a number", req: req{auth: bearer(signed(claimsJSON(func(c jwt.MapClaims) { c["sub"] = 7 }, "")))}, want: invalid, flip: lenient},
		{name: "scope as an array", req: req{auth: bearer(signed(claimsJSON(func(c jwt.MapClaims) { c["scope"] = []string{"orders:read"} }, "")))}, want: invalid},

		// claims
		{name: "expired", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["exp"] = now - 3600 }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipExp, vuln.HugeLeeway)},
		{name: "no exp", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { delete(c, "exp") }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipExp)},
		{name: "nbf in future", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["nbf"] = now + 3600 }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipNbf, vuln.HugeLeeway)},
		{name: "iat in future", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["iat"] = now + 3600 }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipNbf, vuln.HugeLeeway)},
		{name: "wrong iss", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["iss"] = "https://evil.test" }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipIss)},
		{name: "iss [attacker, expected]", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["iss"] = []string{"https://evil.test", iss} }), nil))}, want: invalid, flip: acceptedBy(vuln.IssArray, vuln.ClaimTypesLenient)},
		{name: "iss [attacker]", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["iss"] = []string{"https://evil.test"} }), nil))}, want: invalid, flip: lenient},
		{name: "iss upper case, trailing slash", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["iss"] = strings.ToUpper(iss) + "/" }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipIss, vuln.IssNormalized)},
		{name: "iss trailing slash", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["iss"] = iss + "/" }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipIss, vuln.IssNormalized)},
		{name: "iss two trailing slashes", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["iss"] = iss + "//" }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipIss)},
		{name: "iss trailing space", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["iss"] = iss + " " }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipIss)},
		{name: "no iss", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { delete(c, "iss") }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipIss)},
		{name: "wrong aud", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["aud"] = "billing-api" }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipAud)},
		{name: "aud superstring", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["aud"] = "orders-api-staging" }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipAud, vuln.AudSubstring)},
		{name: "aud substring", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["aud"] = []string{"orders"} }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipAud, vuln.AudSubstring)},
		{name: "no aud", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { delete(c, "aud") }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipAud)},
		{name: "typ JWT (ID token)", req: req{auth: bearer(rsaK.Token(t, claims(nil), map[string]any{"typ": "JWT"}))}, want: invalid, flip: acceptedBy(vuln.SkipTyp)},
		{name: "no typ", req: req{auth: bearer(rsaK.Token(t, claims(nil), map[string]any{"typ": nil}))}, want: invalid, flip: acceptedBy(vuln.SkipTyp)},

		// scope
		{name: "orders without scope", req: req{path: "/api/orders", auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["scope"] = "profile" }), nil))}, want: noScopeR, flip: acceptedBy(vuln.ScopeIgnored)},
		{name: "orders with scope orders:read-only", req: req{path: "/api/orders", auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["scope"] = "profile orders:read-only" }), nil))}, want: noScopeR, flip: acceptedBy(vuln.ScopeIgnored, vuln.ScopePrefix)},
		{name: "orders with scope orders", req: req{path: "/api/orders", auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["scope"] = "orders" }), nil))}, want: noScopeR, flip: acceptedBy(vuln.ScopeIgnored, vuln.ScopePrefix)},
		{name: "orders with scope orders:write", req: req{path: "/api/orders", auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["scope"] = "orders:write" }), nil))}, want: noScopeR, flip: acceptedBy(vuln.ScopeIgnored)},
		{name: "admin without scope", req: req{path: "/api/admin", auth: bearer(valid)}, want: noAdmin, flip: acceptedBy(vuln.ScopeIgnored)},

		// revocation
		{name: "revoked", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["jti"] = "revoked-jti" }), nil))}, want: invalid, flip: acceptedBy(vuln.NoRevocationCheck)},
		{name: "revocation store down", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["jti"] = "redis-down" }), nil))}, want: invalid, flip: acceptedBy(vuln.NoRevocationCheck, vuln.RevocationFailOpen)},

		// HTTP surface
		{name: "no Authorization", req: req{}, want: missing},
		{name: "Basic scheme", req: req{auth: []string{"Basic YTpi"}}, want: missing},
		{name: "two Authorization headers", req: req{auth: []string{"Bearer " + valid, "Bearer " + valid}}, want: badReq, flip: acceptedBy(vuln.AuthHeaderFirst)},
		{name: "two tokens", req: req{auth: []string{"Bearer " + valid + " " + valid}}, want: invalid},
		{name: "two spaces", req: req{auth: []string{"Bearer  " + valid}}, want: invalid},
		{name: "Bearer without token", req: req{auth: []string{"Bearer"}}, want: invalid},
		{name: "token in query", req: req{path: "/api/whoami?access_token=" + valid}, want: missing, flip: acceptedBy(vuln.BearerQuery)},
		{name: "token in form body", req: req{method: http.MethodPost, path: "/api/orders", form: url.Values{"access_token": {rsaK.Token(t, claims(func(c jwt.MapClaims) { c["scope"] = "orders:write" }), nil)}}},
			want: missing, flip: map[string]outcome{vuln.BearerQuery: created}},
	}
}

func check(t *testing.T, h http.Handler, c tcase, want outcome) {
	t.Helper()
	rec := c.req.do(h)
	if rec.Code != want.status || rec.Header().Get("WWW-Authenticate") != want.challenge {
		t.Errorf("%s: got %d %q, want %d %q (body %q)", c.name, rec.Code, rec.Header().Get("WWW-Authenticate"), want.status, want.challenge, rec.Body.String())
	}
}

func TestSecureDefault(t *testing.T) {
	f := newFixture(t)
	h, _ := f.handler(t, "")
	for _, c := range cases(t, f) {
		t.Run(c.name, func(t *testing.T) { check(t, h, c, c.want) })
	}
}

// TestEachSwitch turns on one switch at a time and checks that it changes
// exactly the outcomes it should, and no other.
func TestEachSwitch(t *testing.T) {
	f := newFixture(t)
	all := cases(t, f)
	for _, sw := range vuln.Resource {
		switch sw {
		case vuln.TutorialMiddleware, vuln.TLS10, vuln.WeakCiphers, vuln.PlaintextPort:
			continue // own tests
		}
		t.Run(sw, func(t *testing.T) {
			h, _ := f.handler(t, sw)
			changed := false
			for _, c := range all {
				want := c.want
				if o, ok := c.flip[sw]; ok {
					want, changed = o, true
				}
				if sw == vuln.NoWWWAuthenticate {
					want.challenge = ""
					changed = true
				}
				if sw == vuln.ErrorLeak || sw == vuln.JWKSRefetchUnbounded {
					changed = true // visible in the body / fetch count: own tests
				}
				check(t, h, c, want)
			}
			if !changed {
				t.Errorf("no case shows the effect of %s", sw)
			}
		})
	}
}

func TestBodiesAreGeneric(t *testing.T) {
	f := newFixture(t)
	h, _ := f.handler(t, "")
	expired := rsaK.Token(t, claims(func(c jwt.MapClaims) { c["exp"] = time.Now().Unix() - 3600 }), nil)
	wrongAud := rsaK.Token(t, claims(func(c jwt.MapClaims) { c["aud"] = "x" }), nil)
	for _, tok := range []string{expired, wrongAud, bad.Token(t, claims(nil), nil)} {
		rec := req{auth: bearer(tok)}.do(h)
		if got := strings.TrimSpace(rec.Body.String()); got != `{"error":"invalid_token"}` {
			t.Errorf("body %q", got)
		}
	}
	rec := req{path: "/api/admin", auth: bearer(rsaK.Token(t, claims(nil), nil))}.do(h)
	if got := strings.TrimSpace(rec.Body.String()); got != `{"error":"insufficient_scope"}` {
		t.Errorf("403 body %q", got)
	}
}

func TestErrorLeak(t *testing.T) {
	f := newFixture(t)
	expired := rsaK.Token(t, claims(func(c jwt.MapClaims) { c["exp"] = time.Now().Unix() - 3600 }), nil)
	for sw, leaks := range map[string]bool{"": false, vuln.ErrorLeak: true} {
		h, _ := f.handler(t, sw)
		rec := req{auth: bearer(expired)}.do(h)
		if got := strings.Contains(rec.Body.String(), "token is expired"); got != leaks || rec.Code != http.StatusUnauthorized {
			t.Errorf("VULN=%q: %d body %q", sw, rec.Code, rec.Body.String())
		}
	}
}

func TestJWKSRefetch(t *testing.T) {
	f := newFixture(t)
	for sw, want := range map[string]int64{"": 1, vuln.JWKSRefetchUnbounded: 5} {
		h, cache := f.handler(t, sw)
		before := cache.Fetches()
		for i := range 5 {
			s := bad
			s.Kid = "unknown-" + string(rune('a'+i))
			if rec := (req{auth: bearer(s.Token(t, claims(nil), nil))}).do(h); rec.Code != http.StatusUnauthorized {
				t.Fatalf("unknown kid accepted")
			}
		}
		if got := cache.Fetches() - before; got != want {
			t.Errorf("VULN=%q: %d JWKS fetches for 5 unknown kids, want %d", sw, got, want)
		}
	}
}

func TestJKUFetchOnlyWithSwitch(t *testing.T) {
	f := newFixture(t)
	tok := bad.Token(t, claims(nil), map[string]any{"jku": f.attacker.JWKSURL()})
	for sw, want := range map[string]int64{"": 0, vuln.JKUFollow: 1} {
		h, _ := f.handler(t, sw)
		before := f.attacker.Hits()
		req{auth: bearer(tok)}.do(h)
		if got := f.attacker.Hits() - before; got != want {
			t.Errorf("VULN=%q: attacker JWKS fetched %d times, want %d", sw, got, want)
		}
	}
}

func TestWhoami(t *testing.T) {
	f := newFixture(t)
	for _, sw := range []string{"", vuln.TutorialMiddleware} {
		h, _ := f.handler(t, sw)
		rec := req{auth: bearer(edK.Token(t, claims(func(c jwt.MapClaims) { c["scope"] = "orders:read admin" }), nil))}.do(h)
		if sw == vuln.TutorialMiddleware {
			rec = req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["scope"] = "orders:read admin" }), nil))}.do(h)
		}
		var got map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("VULN=%q: %d %q", sw, rec.Code, rec.Body.String())
		}
		want := map[string]string{"sub": "alice", "client_id": "cli", "scope": "orders:read admin"}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("VULN=%q: %s = %q, want %q", sw, k, got[k], v)
			}
		}
	}
}

func TestTutorialMiddleware(t *testing.T) {
	f := newFixture(t)
	h, _ := f.handler(t, vuln.TutorialMiddleware)
	forbidden := outcome{http.StatusForbidden, ""}
	unknownKid := rsaK
	unknownKid.Kid = "whatever"
	tests := []tcase{
		{name: "valid RS256 passes", req: req{auth: bearer(rsaK.Token(t, claims(nil), nil))}, want: ok},
		{name: "missing token is a bare 403", req: req{}, want: forbidden},
		{name: "expired still rejected", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["exp"] = time.Now().Unix() - 3600 }), nil))}, want: forbidden},
		{name: "alg none still rejected", req: req{auth: bearer(testkit.Raw(map[string]any{"alg": "none"}, claims(nil), nil))}, want: forbidden},
		{name: "HS256 with PEM still rejected", req: req{auth: bearer(testkit.HMAC(t, "HS256", map[string]any{"kid": "rsa-1"}, claims(nil), pemOf(t, rsaK)))}, want: forbidden},
		{name: "forged signature rejected", req: req{auth: bearer(bad.Token(t, claims(nil), nil))}, want: forbidden},
		{name: "wrong iss accepted", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["iss"] = "https://evil.test" }), nil))}, want: ok},
		{name: "wrong aud accepted", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["aud"] = "billing-api" }), nil))}, want: ok},
		{name: "kid ignored", req: req{auth: bearer(unknownKid.Token(t, claims(nil), nil))}, want: ok},
		{name: "missing scope is a bare 403", req: req{path: "/api/admin", auth: bearer(rsaK.Token(t, claims(nil), nil))}, want: forbidden},
	}
	for _, c := range tests {
		check(t, h, c, c.want)
		if rec := c.req.do(h); rec.Code == http.StatusForbidden && rec.Body.String() != "Forbidden\n" {
			t.Errorf("%s: body %q", c.name, rec.Body.String())
		}
	}
}

// A token without kid is verified with the one JWKS key that fits its alg;
// when several fit, it is refused (the main table's JWKS has one key per alg).
func TestNoKidSeveralKeys(t *testing.T) {
	newFixture(t)
	rsa2 := testkit.NewRSA(t, "rsa-2")
	js := testkit.NewJWKSServer(t, testkit.JWKS(rsaK, rsa2, ecK, edK))
	cache := jwks.NewCache(js.JWKSURL(), jwks.Options{MinRefresh: time.Minute})
	if err := cache.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	p := authn.Policy{Issuer: iss, Audience: aud, Algs: []string{"RS256", "ES256", "EdDSA"}, Leeway: 30 * time.Second, Typ: "at+jwt"}
	noKid := func(s testkit.Signer) testkit.Signer { s.Kid = ""; return s }
	tests := []struct {
		name   string
		signer testkit.Signer
		want   error
	}{
		{"RS256, two RSA keys", noKid(rsaK), jwks.ErrKidRequired},
		{"RS256, two RSA keys, the other one", noKid(rsa2), jwks.ErrKidRequired},
		{"RS256 with kid", rsa2, nil},
		{"ES256, one P-256 key", noKid(ecK), nil},
		{"EdDSA, one Ed25519 key", noKid(edK), nil},
		{"ES384, no P-384 key", noKid(ec384), jwt.ErrTokenUnverifiable},
	}
	for _, tt := range tests {
		for _, sw := range []string{"", vuln.NoAlgAllowlist} {
			if tt.name == "ES384, no P-384 key" && sw == "" {
				continue // refused by the allow-list before any key lookup
			}
			_, err := authn.NewVerifier(cache, p, vuln.MustParse(sw)).Verify(context.Background(), tt.signer.Token(t, claims(nil), nil))
			if (tt.want == nil) != (err == nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("%s, VULN=%q: err %v, want %v", tt.name, sw, err, tt.want)
			}
		}
	}
}

// Guard against accidentally testing with a weak RSA key.
func TestFixtureKeySize(t *testing.T) {
	newFixture(t)
	if n := rsaK.Priv.(*rsa.PrivateKey).N.BitLen(); n < 2048 {
		t.Fatalf("RSA key of %d bits", n)
	}
}

// With ES384 allowed, psychic_signature and ecdsa_der_accepted cover it as
// they cover ES256; the key must still fit the algorithm.
func TestECDSASecondChanceES384(t *testing.T) {
	f := newFixture(t)
	cache := jwks.NewCache(f.jwks.JWKSURL(), jwks.Options{MinRefresh: time.Minute})
	if err := cache.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	p := authn.Policy{Issuer: iss, Audience: aud, Algs: []string{"ES256", "ES384"}, Leeway: 30 * time.Second, Typ: "at+jwt"}
	hdr := func(kid string) map[string]any { return map[string]any{"alg": "ES384", "kid": kid, "typ": "at+jwt"} }
	zero384 := testkit.Raw(hdr("ec-384"), claims(nil), make([]byte, 96))
	zeroWrongCurve := testkit.Raw(hdr("ec-1"), claims(nil), make([]byte, 96))
	der384 := ec384.SignDER(t, hdr("ec-384"), claims(nil))
	for _, c := range []struct {
		sw, tok string
		want    bool
	}{
		{"", ec384.Token(t, claims(nil), nil), true},
		{"", zero384, false}, {"", der384, false},
		{vuln.PsychicSignature, zero384, true}, {vuln.PsychicSignature, der384, false}, {vuln.PsychicSignature, zeroWrongCurve, false},
		{vuln.ECDSADERAccepted, der384, true}, {vuln.ECDSADERAccepted, zero384, false},
	} {
		_, err := authn.NewVerifier(cache, p, vuln.MustParse(c.sw)).Verify(context.Background(), c.tok)
		if (err == nil) != c.want {
			t.Errorf("VULN=%q %.60s: err %v, want accepted %v", c.sw, c.tok, err, c.want)
		}
	}
}

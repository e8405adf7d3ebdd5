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
	"net/http"
	"net/http/httptest"
	"net/url"
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
	keysOnce            sync.Once
	rsaK, ecK, edK, bad testkit.Signer // bad is not in the JWKS
)

type fixture struct {
	jwks     *testkit.JWKSServer
	attacker *testkit.JWKSServer // serves bad's key, for jku
}

func newFixture(t *testing.T) *fixture {
	keysOnce.Do(func() {
		rsaK = testkit.NewRSA(t, "rsa-1")
		ecK = testkit.NewEC(t, "ec-1", elliptic.P256(), "ES256")
		edK = testkit.NewEd25519(t, "ed-1")
		bad = testkit.NewRSA(t, "evil")
	})
	return &fixture{
		jwks:     testkit.NewJWKSServer(t, testkit.JWKS(rsaK, ecK, edK)),
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
	ok       = outcome{http.StatusOK, ""}
	created  = outcome{http.StatusCreated, ""}
	invalid  = outcome{http.StatusUnauthorized, challengeInvalid}
	missing  = outcome{http.StatusUnauthorized, challengeMissing}
	badReq   = outcome{http.StatusBadRequest, challengeRequest}
	noScopeR = outcome{http.StatusForbidden, challengeScope("orders:read")}
	noAdmin  = outcome{http.StatusForbidden, challengeScope("admin")}
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

func pemOf(t *testing.T, s testkit.Signer) []byte {
	der, err := x509.MarshalPKIXPublicKey(s.Priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
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
	noKid := rsaK
	noKid.Kid = ""
	ecKidRSAKey := rsaK
	ecKidRSAKey.Kid = "ec-1"
	ps256 := rsaK
	ps256.Alg = "PS256"
	parts := strings.Split(valid, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"`+iss+`","aud":"`+aud+`","sub":"admin","exp":9999999999}`)) + "." + parts[2]

	return []tcase{
		// accepted
		{name: "valid RS256", req: req{auth: bearer(valid)}, want: ok},
		{name: "valid ES256", req: req{auth: bearer(ecK.Token(t, claims(nil), nil))}, want: ok},
		{name: "valid EdDSA", req: req{auth: bearer(edK.Token(t, claims(nil), nil))}, want: ok},
		{name: "typ application/at+jwt", req: req{auth: bearer(rsaK.Token(t, claims(nil), map[string]any{"typ": "application/AT+JWT"}))}, want: ok},
		{name: "aud array", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["aud"] = []string{"x", aud} }), nil))}, want: ok},
		{name: "expired within leeway", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["exp"] = now - 10 }), nil))}, want: ok},
		{name: "scheme case-insensitive", req: req{auth: []string{"bEaReR " + valid}}, want: ok},
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
		{name: "kid /dev/null, empty HMAC key", req: req{auth: bearer(testkit.HMAC(t, "HS256", hdr("HS256", "../../../../../../dev/null"), claims(nil), []byte{}))}, want: invalid, flip: sigBypass(vuln.KidInjection)},
		{name: "unknown kid", req: req{auth: bearer(bad.Token(t, claims(nil), nil))}, want: invalid, flip: sigBypass()},
		{name: "no kid, several keys", req: req{auth: bearer(noKid.Token(t, claims(nil), nil))}, want: invalid, flip: sigBypass()},
		{name: "alg does not fit key", req: req{auth: bearer(ecKidRSAKey.Token(t, claims(nil), nil))}, want: invalid, flip: sigBypass()},
		{name: "alg not allowed (PS256)", req: req{auth: bearer(ps256.Token(t, claims(nil), nil))}, want: invalid, flip: sigBypass()},
		{name: "crit", req: req{auth: bearer(rsaK.Token(t, claims(nil), map[string]any{"crit": []string{"x-ext"}, "x-ext": 1}))}, want: invalid, flip: acceptedBy(vuln.CritIgnored)},
		{name: "crit empty", req: req{auth: bearer(rsaK.Token(t, claims(nil), map[string]any{"crit": []string{}}))}, want: invalid, flip: acceptedBy(vuln.CritIgnored)},
		{name: "payload null", req: req{auth: bearer(rsaK.SignRaw(t, hdr("RS256", "rsa-1"), []byte("null")))}, want: invalid},

		// claims
		{name: "expired", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["exp"] = now - 3600 }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipExp, vuln.HugeLeeway)},
		{name: "no exp", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { delete(c, "exp") }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipExp)},
		{name: "nbf in future", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["nbf"] = now + 3600 }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipNbf, vuln.HugeLeeway)},
		{name: "iat in future", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["iat"] = now + 3600 }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipNbf, vuln.HugeLeeway)},
		{name: "wrong iss", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["iss"] = "https://evil.test" }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipIss)},
		{name: "no iss", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { delete(c, "iss") }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipIss)},
		{name: "wrong aud", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["aud"] = "billing-api" }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipAud)},
		{name: "aud superstring", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["aud"] = "orders-api-staging" }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipAud, vuln.AudSubstring)},
		{name: "aud substring", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["aud"] = []string{"orders"} }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipAud, vuln.AudSubstring)},
		{name: "no aud", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { delete(c, "aud") }), nil))}, want: invalid, flip: acceptedBy(vuln.SkipAud)},
		{name: "typ JWT (ID token)", req: req{auth: bearer(rsaK.Token(t, claims(nil), map[string]any{"typ": "JWT"}))}, want: invalid, flip: acceptedBy(vuln.SkipTyp)},
		{name: "no typ", req: req{auth: bearer(rsaK.Token(t, claims(nil), map[string]any{"typ": nil}))}, want: invalid, flip: acceptedBy(vuln.SkipTyp)},

		// scope
		{name: "orders without scope", req: req{path: "/api/orders", auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["scope"] = "profile" }), nil))}, want: noScopeR, flip: acceptedBy(vuln.ScopeIgnored)},
		{name: "admin without scope", req: req{path: "/api/admin", auth: bearer(valid)}, want: noAdmin, flip: acceptedBy(vuln.ScopeIgnored)},

		// revocation
		{name: "revoked", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["jti"] = "revoked-jti" }), nil))}, want: invalid, flip: acceptedBy(vuln.NoRevocationCheck)},
		{name: "revocation store down", req: req{auth: bearer(rsaK.Token(t, claims(func(c jwt.MapClaims) { c["jti"] = "redis-down" }), nil))}, want: invalid, flip: acceptedBy(vuln.NoRevocationCheck, vuln.RevocationFailOpen)},

		// HTTP surface
		{name: "no Authorization", req: req{}, want: missing},
		{name: "Basic scheme", req: req{auth: []string{"Basic YTpi"}}, want: missing},
		{name: "two Authorization headers", req: req{auth: []string{"Bearer " + valid, "Bearer " + valid}}, want: badReq},
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

// Guard against accidentally testing with a weak RSA key.
func TestFixtureKeySize(t *testing.T) {
	newFixture(t)
	if n := rsaK.Priv.(*rsa.PrivateKey).N.BitLen(); n < 2048 {
		t.Fatalf("RSA key of %d bits", n)
	}
}

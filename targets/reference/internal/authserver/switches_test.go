package authserver

import (
	"fmt"
	"maps"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"auth-gauntlet/reference/internal/jwks"
	"auth-gauntlet/reference/internal/vuln"
)

// probe observes one behaviour of a fresh server as a short string.
type probe struct {
	name string
	run  func(t *testing.T, f *fixture) string
	want string            // secure default
	flip map[string]string // the observation when that one switch is on
}

// summary describes a token-endpoint answer.
func summary(t *testing.T, w *httptest.ResponseRecorder) string {
	tr, ok := tokenResp(t, w)
	if !ok {
		return fmt.Sprintf("%d %s", w.Code, errorCode(w))
	}
	_, c := decode(t, tr.AccessToken)
	return fmt.Sprintf("200 sub=%v aud=%v scope=%v", c["sub"], c["aud"], c["scope"])
}

func tokenCall(auth []string, kv ...string) call {
	return call{path: PathToken, basic: auth, form: form(append([]string{"grant_type", "client_credentials"}, kv...)...)}
}

func probes() []probe {
	auth := basic("gauntlet", gauntletSecret)
	allScopes := "200 sub=gauntlet aud=orders-api scope=orders:read orders:write"
	return []probe{
		{name: "token header", want: "alg=RS256 kid=k-rsa typ=at+jwt",
			flip: map[string]string{vuln.WeakHMACSecret: "alg=HS256 kid=hs256 typ=at+jwt", vuln.NoKid: "alg=RS256 kid=<nil> typ=at+jwt"},
			run: func(t *testing.T, f *fixture) string {
				h, _ := decode(t, f.issue())
				return fmt.Sprintf("alg=%v kid=%v typ=%v", h["alg"], h["kid"], h["typ"])
			}},
		{name: "signature verifies with", want: "the JWKS", flip: map[string]string{vuln.WeakHMACSecret: "changeme"},
			run: func(t *testing.T, f *fixture) string {
				tok := f.issue()
				set, err := jwks.ParseSet(f.srv.jwks)
				if err != nil {
					t.Fatal(err)
				}
				keyfunc := func(tok *jwt.Token) (any, error) {
					if kid, ok := tok.Header["kid"].(string); ok {
						k, err := set.Lookup(kid)
						return k.Public, err
					}
					k, err := set.ForAlg(tok.Method.Alg()) // as the resource server does for a token without kid
					return k.Public, err
				}
				if _, err := jwt.Parse(tok, keyfunc, jwt.WithValidMethods([]string{"RS256", "ES256", "EdDSA"})); err == nil {
					return "the JWKS"
				}
				if _, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return []byte("changeme"), nil }, jwt.WithValidMethods([]string{"HS256"})); err == nil {
					return "changeme"
				}
				return "nothing"
			}},
		{name: "lifetime", want: "expires_in=900 exp-iat=900", flip: map[string]string{vuln.LongTTL: "expires_in=86400 exp-iat=86400"},
			run: func(t *testing.T, f *fixture) string {
				tr, _ := tokenResp(t, tokenCall(auth).do(f.h))
				_, c := decode(t, tr.AccessToken)
				return fmt.Sprintf("expires_in=%d exp-iat=%.0f", tr.ExpiresIn, c["exp"].(float64)-c["iat"].(float64))
			}},
		{name: "claims", want: "aud client_id exp iat iss jti scope sub",
			flip: map[string]string{vuln.SensitiveClaims: "aud client_id client_secret=" + gauntletSecret + " email=ops@example.com exp iat iss jti scope sub"},
			run: func(t *testing.T, f *fixture) string {
				_, c := decode(t, f.issue())
				var out []string
				for _, k := range slices.Sorted(maps.Keys(c)) {
					if k == "client_secret" || k == "email" {
						k += fmt.Sprintf("=%v", c[k])
					}
					out = append(out, k)
				}
				return strings.Join(out, " ")
			}},
		{name: "JWKS members", want: "k-rsa:alg,e,kid,kty,n,use k-ec:alg,crv,kid,kty,use,x,y k-ed:alg,crv,kid,kty,use,x",
			flip: map[string]string{vuln.JWKSPrivateLeak: "k-rsa:alg,d,dp,dq,e,kid,kty,n,p,q,qi,use k-ec:alg,crv,d,kid,kty,use,x,y k-ed:alg,crv,d,kid,kty,use,x"},
			run: func(t *testing.T, f *fixture) string {
				w := call{method: "GET", path: PathJWKS}.do(f.h)
				var doc struct{ Keys []map[string]any }
				if err := jsonUnmarshal(w.Body.Bytes(), &doc); err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, k := range doc.Keys {
					out = append(out, fmt.Sprintf("%v:%s", k["kid"], strings.Join(slices.Sorted(maps.Keys(k)), ",")))
				}
				return strings.Join(out, " ")
			}},
		{name: "own token revoked", want: "200 active=false redis-keys=1", flip: map[string]string{vuln.RevokeNoop: "200 active=true redis-keys=0"},
			run: func(t *testing.T, f *fixture) string {
				tok := f.issue()
				w := call{path: PathRevoke, basic: auth, form: form("token", tok)}.do(f.h)
				return fmt.Sprintf("%d active=%v redis-keys=%d", w.Code, f.introspect(tok)["active"], len(f.redis.Keys()))
			}},
		{name: "revoke without token", want: "400 invalid_request",
			run: func(t *testing.T, f *fixture) string {
				w := call{path: PathRevoke, basic: auth, form: form()}.do(f.h)
				return fmt.Sprintf("%d %s", w.Code, errorCode(w))
			}},
		{name: "revoke another client's token", want: "200 active=true",
			run: func(t *testing.T, f *fixture) string {
				tok := f.issue()
				w := call{path: PathRevoke, basic: basic("other", otherSecret), form: form("token", tok)}.do(f.h)
				return fmt.Sprintf("%d active=%v", w.Code, f.introspect(tok)["active"])
			}},
		{name: "revoke, wrong secret", want: "401 invalid_client",
			run: func(t *testing.T, f *fixture) string {
				w := call{path: PathRevoke, basic: basic("gauntlet", "wrong"), form: form("token", f.issue())}.do(f.h)
				return fmt.Sprintf("%d %s", w.Code, errorCode(w))
			}},
		{name: "introspect, wrong secret", want: "401 invalid_client",
			run: func(t *testing.T, f *fixture) string {
				w := call{path: PathIntrospect, form: form("token", f.issue(), "client_id", "gauntlet", "client_secret", "wrong")}.do(f.h)
				return fmt.Sprintf("%d %s", w.Code, errorCode(w))
			}},
		{name: "introspect HS256 token forged with changeme", want: "active=false", flip: map[string]string{vuln.WeakHMACSecret: "active=true"},
			run: func(t *testing.T, f *fixture) string {
				return fmt.Sprintf("active=%v", f.introspect(weakToken(t, f, nil))["active"])
			}},
		{name: "scope admin", want: "400 invalid_scope", flip: map[string]string{vuln.ScopeEscalation: "200 sub=gauntlet aud=orders-api scope=admin"},
			run: func(t *testing.T, f *fixture) string { return summary(t, tokenCall(auth, "scope", "admin").do(f.h)) }},
		{name: "scope orders:read admin", want: "400 invalid_scope", flip: map[string]string{vuln.ScopeEscalation: "200 sub=gauntlet aud=orders-api scope=orders:read admin"},
			run: func(t *testing.T, f *fixture) string {
				return summary(t, tokenCall(auth, "scope", "orders:read admin").do(f.h))
			}},
		{name: "scope orders:read", want: "200 sub=gauntlet aud=orders-api scope=orders:read",
			run: func(t *testing.T, f *fixture) string {
				return summary(t, tokenCall(auth, "scope", "orders:read").do(f.h))
			}},
		{name: "audience of another client", want: "400 invalid_target",
			run: func(t *testing.T, f *fixture) string {
				return summary(t, tokenCall(auth, "audience", "admin-api").do(f.h))
			}},
		{name: "token, wrong secret (basic)", want: "401 invalid_client", flip: map[string]string{vuln.ClientAuthSkipped: allScopes},
			run: func(t *testing.T, f *fixture) string {
				return summary(t, tokenCall(basic("gauntlet", "wrong")).do(f.h))
			}},
		{name: "token, unknown client (basic)", want: "401 invalid_client", flip: map[string]string{vuln.ClientAuthSkipped: "200 sub=nobody aud=orders-api scope=orders:read orders:write"},
			run: func(t *testing.T, f *fixture) string { return summary(t, tokenCall(basic("nobody", "x")).do(f.h)) }},
		{name: "token, unknown client (post)", want: "401 invalid_client", flip: map[string]string{vuln.ClientAuthSkipped: "200 sub=nobody aud=orders-api scope=orders:read"},
			run: func(t *testing.T, f *fixture) string {
				return summary(t, tokenCall(nil, "client_id", "nobody", "client_secret", "", "scope", "orders:read").do(f.h))
			}},
		{name: "token, other client's id with a wrong secret", want: "401 invalid_client", flip: map[string]string{vuln.ClientAuthSkipped: "200 sub=other aud=admin-api scope=admin"},
			run: func(t *testing.T, f *fixture) string {
				return summary(t, tokenCall(basic("other", gauntletSecret)).do(f.h))
			}},
		{name: "token, client_id only (post)", want: "401 invalid_client", flip: map[string]string{vuln.ClientAuthSkipped: allScopes},
			run: func(t *testing.T, f *fixture) string {
				return summary(t, tokenCall(nil, "client_id", "gauntlet").do(f.h))
			}},
		{name: "revoke, client_id only (post)", want: "401 invalid_client",
			run: func(t *testing.T, f *fixture) string {
				w := call{path: PathRevoke, form: form("token", f.issue(), "client_id", "gauntlet")}.do(f.h)
				return fmt.Sprintf("%d %s", w.Code, errorCode(w))
			}},
		{name: "token, no credentials", want: "401 invalid_client",
			run: func(t *testing.T, f *fixture) string { return summary(t, tokenCall(nil).do(f.h)) }},
		{name: "token, both methods", want: "401 invalid_client",
			run: func(t *testing.T, f *fixture) string {
				return summary(t, tokenCall(auth, "client_id", "gauntlet", "client_secret", gauntletSecret).do(f.h))
			}},
		{name: "token, valid client", want: allScopes,
			run: func(t *testing.T, f *fixture) string { return summary(t, tokenCall(auth).do(f.h)) }},
	}
}

func TestSecureDefault(t *testing.T) {
	for _, p := range probes() {
		t.Run(p.name, func(t *testing.T) {
			if got := p.run(t, newFixture(t, "", "")); got != p.want {
				t.Errorf("got  %q\nwant %q", got, p.want)
			}
		})
	}
}

// TestEachSwitch turns on one switch at a time and checks that it changes
// exactly the observations it should, and no other.
func TestEachSwitch(t *testing.T) {
	all := probes()
	for _, sw := range vuln.AuthServer {
		t.Run(sw, func(t *testing.T) {
			changed := false
			for _, p := range all {
				want := p.want
				if o, ok := p.flip[sw]; ok {
					want, changed = o, true
				}
				if got := p.run(t, newFixture(t, sw, "")); got != want {
					t.Errorf("%s: got %q, want %q", p.name, got, want)
				}
			}
			if !changed {
				t.Errorf("no probe shows the effect of %s", sw)
			}
		})
	}
}

// weak_hmac_secret together with no_kid: HS256 and no kid at all.
func TestWeakHMACWithNoKid(t *testing.T) {
	f := newFixture(t, vuln.WeakHMACSecret+","+vuln.NoKid, "")
	h, _ := decode(t, f.issue())
	if _, has := h["kid"]; has || h["alg"] != "HS256" {
		t.Errorf("header %v", h)
	}
}

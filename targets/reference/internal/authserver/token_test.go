package authserver

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"auth-gauntlet/reference/internal/jwks"
)

const challenge = `Basic realm="authserver"`

func TestClientAuthentication(t *testing.T) {
	f := newFixture(t, "", "")
	cc := func(kv ...string) url.Values {
		return form(append([]string{"grant_type", "client_credentials"}, kv...)...)
	}
	rawBasic := func(s string) []string { return []string{"Basic " + base64.StdEncoding.EncodeToString([]byte(s))} }
	tests := []struct {
		name   string
		call   call
		status int
	}{
		{"basic, id and secret form-urlencoded", call{basic: basic("gauntlet", gauntletSecret), form: cc()}, 200},
		{"basic, scheme in lower case", call{rawAuth: []string{"basic " + base64.StdEncoding.EncodeToString([]byte("gauntlet:"+url.QueryEscape(gauntletSecret)))}, form: cc()}, 200},
		{"basic, secret not form-urlencoded", call{rawAuth: rawBasic("gauntlet:" + gauntletSecret), form: cc()}, 401},
		{"basic, plain secret not urlencoded but harmless", call{rawAuth: rawBasic("other:" + otherSecret), form: cc()}, 200},
		{"basic, wrong secret", call{basic: basic("gauntlet", "wrong"), form: cc()}, 401},
		{"basic, other client's secret", call{basic: basic("gauntlet", otherSecret), form: cc()}, 401},
		{"basic, unknown client", call{basic: basic("nobody", gauntletSecret), form: cc()}, 401},
		{"basic, empty secret", call{basic: basic("gauntlet", ""), form: cc()}, 401},
		{"basic, empty id", call{basic: basic("", gauntletSecret), form: cc()}, 401},
		{"basic, no colon", call{rawAuth: rawBasic("gauntlet"), form: cc()}, 401},
		{"basic, not base64", call{rawAuth: []string{"Basic !!!"}, form: cc()}, 401},
		{"basic, bad percent-encoding", call{rawAuth: rawBasic("gauntlet:%zz"), form: cc()}, 401},
		{"basic, with the same client_id parameter", call{basic: basic("gauntlet", gauntletSecret), form: cc("client_id", "gauntlet")}, 200},
		{"basic, with another client_id parameter", call{basic: basic("gauntlet", gauntletSecret), form: cc("client_id", "other")}, 401},
		{"post", call{form: cc("client_id", "gauntlet", "client_secret", gauntletSecret)}, 200},
		{"post, wrong secret", call{form: cc("client_id", "gauntlet", "client_secret", "wrong")}, 401},
		{"post, secret prefix", call{form: cc("client_id", "gauntlet", "client_secret", gauntletSecret[:4])}, 401},
		{"post, unknown client", call{form: cc("client_id", "nobody", "client_secret", "x")}, 401},
		{"post, client_id only", call{form: cc("client_id", "gauntlet")}, 401},
		{"post, client_secret only", call{form: cc("client_secret", gauntletSecret)}, 401},
		{"both basic and post", call{basic: basic("gauntlet", gauntletSecret), form: cc("client_id", "gauntlet", "client_secret", gauntletSecret)}, 401},
		{"both, post part wrong", call{basic: basic("gauntlet", gauntletSecret), form: cc("client_secret", "")}, 401},
		{"neither", call{form: cc()}, 401},
		{"two Basic headers", call{basic: basic("gauntlet", gauntletSecret), rawAuth: rawBasic("gauntlet:x"), form: cc()}, 401},
		{"Bearer scheme", call{rawAuth: []string{"Bearer abc"}, form: cc()}, 401},
		{"secret in the query string only", call{path: PathToken + "?client_id=gauntlet&client_secret=" + url.QueryEscape(gauntletSecret), form: cc()}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.call
			if c.path == "" {
				c.path = PathToken
			}
			w := c.do(f.h)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d (body %s)", w.Code, tt.status, w.Body.String())
			}
			if tt.status == 401 {
				if got := w.Header().Get("WWW-Authenticate"); got != challenge {
					t.Errorf("WWW-Authenticate %q", got)
				}
				if got := strings.TrimSpace(w.Body.String()); got != `{"error":"invalid_client"}` {
					t.Errorf("body %q", got)
				}
			}
		})
	}
}

func TestTokenRequestErrors(t *testing.T) {
	f := newFixture(t, "", "")
	auth := basic("gauntlet", gauntletSecret)
	tests := []struct {
		name   string
		call   call
		status int
		code   string
	}{
		{"no grant_type", call{basic: auth, form: form("scope", "orders:read")}, 400, "invalid_request"},
		{"grant_type password", call{basic: auth, form: form("grant_type", "password", "username", "a", "password", "b")}, 400, "unsupported_grant_type"},
		{"grant_type authorization_code (not yet)", call{basic: auth, form: form("grant_type", "authorization_code", "code", "x")}, 400, "unsupported_grant_type"},
		{"grant_type in upper case", call{basic: auth, form: form("grant_type", "CLIENT_CREDENTIALS")}, 400, "unsupported_grant_type"},
		{"grant_type twice", call{basic: auth, form: form("grant_type", "client_credentials", "grant_type", "client_credentials")}, 400, "invalid_request"},
		{"scope twice", call{basic: auth, form: form("grant_type", "client_credentials", "scope", "orders:read", "scope", "orders:read")}, 400, "invalid_request"},
		{"JSON body", call{basic: auth, contentType: "application/json", form: form("grant_type", "client_credentials")}, 400, "invalid_request"},
		{"charset parameter is fine", call{basic: auth, contentType: "application/x-www-form-urlencoded; charset=UTF-8", form: form("grant_type", "client_credentials")}, 200, ""},
		{"GET", call{method: http.MethodGet, basic: auth}, 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.call.path = PathToken
			w := tt.call.do(f.h)
			if w.Code != tt.status || (tt.code != "" && errorCode(w) != tt.code) {
				t.Errorf("got %d %s, want %d %s", w.Code, w.Body.String(), tt.status, tt.code)
			}
		})
	}
}

func TestScopeAndAudience(t *testing.T) {
	f := newFixture(t, "", "")
	tests := []struct {
		name       string
		params     []string
		code       string // "" = 200
		scope, aud string
	}{
		{"nothing requested: all scopes, first audience", nil, "", "orders:read orders:write", "orders-api"},
		{"one scope", []string{"scope", "orders:read"}, "", "orders:read", "orders-api"},
		{"both scopes, other order", []string{"scope", "orders:write orders:read"}, "", "orders:write orders:read", "orders-api"},
		{"repeated scope, extra spaces", []string{"scope", " orders:read  orders:read "}, "", "orders:read", "orders-api"},
		{"empty scope parameter", []string{"scope", ""}, "", "orders:read orders:write", "orders-api"},
		{"unregistered scope", []string{"scope", "admin"}, "invalid_scope", "", ""},
		{"one unregistered among registered", []string{"scope", "orders:read admin"}, "invalid_scope", "", ""},
		{"scope prefix", []string{"scope", "orders"}, "invalid_scope", "", ""},
		{"scope in another case", []string{"scope", "ORDERS:READ"}, "invalid_scope", "", ""},
		{"scope with a tab", []string{"scope", "orders:read\torders:write"}, "invalid_scope", "", ""},
		{"scope with a quote", []string{"scope", `orders:read"`}, "invalid_scope", "", ""},
		{"resource", []string{"resource", "billing-api"}, "", "orders:read orders:write", "billing-api"},
		{"audience", []string{"audience", "billing-api"}, "", "orders:read orders:write", "billing-api"},
		{"resource and audience agree", []string{"resource", "billing-api", "audience", "billing-api"}, "", "orders:read orders:write", "billing-api"},
		{"resource repeated", []string{"resource", "orders-api", "resource", "orders-api"}, "", "orders:read orders:write", "orders-api"},
		{"resource and audience differ", []string{"resource", "orders-api", "audience", "billing-api"}, "invalid_target", "", ""},
		{"two resources", []string{"resource", "orders-api", "resource", "billing-api"}, "invalid_target", "", ""},
		{"other client's audience", []string{"audience", "admin-api"}, "invalid_target", "", ""},
		{"unknown audience", []string{"resource", "https://evil.test"}, "invalid_target", "", ""},
		{"audience prefix", []string{"audience", "orders"}, "invalid_target", "", ""},
		{"empty audience", []string{"audience", ""}, "invalid_target", "", ""},
		{"scope and audience", []string{"scope", "orders:write", "resource", "billing-api"}, "", "orders:write", "billing-api"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := call{path: PathToken, basic: basic("gauntlet", gauntletSecret), form: form(append([]string{"grant_type", "client_credentials"}, tt.params...)...)}.do(f.h)
			if tt.code != "" {
				if w.Code != 400 || errorCode(w) != tt.code {
					t.Fatalf("got %d %s, want 400 %s", w.Code, w.Body.String(), tt.code)
				}
				return
			}
			tr, ok := tokenResp(t, w)
			if !ok {
				t.Fatalf("got %d %s", w.Code, w.Body.String())
			}
			_, claims := decode(t, tr.AccessToken)
			if tr.Scope != tt.scope || claims["scope"] != tt.scope || claims["aud"] != tt.aud {
				t.Errorf("response scope %q, token scope %v aud %v; want %q %q", tr.Scope, claims["scope"], claims["aud"], tt.scope, tt.aud)
			}
		})
	}
}

// The access token (RFC 9068) for each signing algorithm.
func TestAccessToken(t *testing.T) {
	for alg, kid := range map[string]string{"RS256": "k-rsa", "ES256": "k-ec", "EdDSA": "k-ed"} {
		t.Run(alg, func(t *testing.T) {
			f := newFixture(t, "", alg)
			w := call{path: PathToken, basic: basic("gauntlet", gauntletSecret), form: form("grant_type", "client_credentials", "scope", "orders:read")}.do(f.h)
			tr, ok := tokenResp(t, w)
			if !ok {
				t.Fatalf("%d %s", w.Code, w.Body.String())
			}
			if tr.TokenType != "Bearer" || tr.ExpiresIn != 900 || tr.Scope != "orders:read" {
				t.Errorf("response %+v", tr)
			}
			for h, want := range map[string]string{"Cache-Control": "no-store", "Pragma": "no-cache", "Content-Type": "application/json"} {
				if got := w.Header().Get(h); got != want {
					t.Errorf("%s: %q, want %q", h, got, want)
				}
			}
			var members map[string]any
			_ = json.Unmarshal(w.Body.Bytes(), &members)
			if got := slices.Sorted(maps.Keys(members)); !slices.Equal(got, []string{"access_token", "expires_in", "scope", "token_type"}) {
				t.Errorf("response members %v", got)
			}

			header, claims := decode(t, tr.AccessToken)
			if want := map[string]any{"alg": alg, "kid": kid, "typ": "at+jwt"}; !maps.Equal(header, want) {
				t.Errorf("header %v, want %v", header, want)
			}
			if got := slices.Sorted(maps.Keys(claims)); !slices.Equal(got, []string{"aud", "client_id", "exp", "iat", "iss", "jti", "scope", "sub"}) {
				t.Errorf("claims %v", got)
			}
			now := float64(f.now.Unix())
			for k, want := range map[string]any{"iss": testIssuer, "sub": "gauntlet", "aud": "orders-api", "client_id": "gauntlet",
				"scope": "orders:read", "iat": now, "exp": now + 900} {
				if claims[k] != want {
					t.Errorf("%s = %v, want %v", k, claims[k], want)
				}
			}
			jti, _ := claims["jti"].(string)
			if b, err := base64.RawURLEncoding.DecodeString(jti); err != nil || len(b) != 16 {
				t.Errorf("jti %q is not 128 bits base64url", jti)
			}
			if f.issue() == tr.AccessToken {
				t.Error("two tokens alike")
			}

			// The published JWKS verifies it, as the resource server would.
			set, err := jwks.ParseSet(f.srv.jwks)
			if err != nil {
				t.Fatal(err)
			}
			k, err := set.Lookup(kid)
			if err != nil || !k.Accepts(alg) {
				t.Fatalf("JWKS key %s: %v", kid, err)
			}
			if _, err := jwt.Parse(tr.AccessToken, func(*jwt.Token) (any, error) { return k.Public, nil },
				jwt.WithValidMethods([]string{alg}), jwt.WithTimeFunc(func() time.Time { return f.now })); err != nil {
				t.Errorf("signature: %v", err)
			}
		})
	}
}

func TestMetadata(t *testing.T) {
	f := newFixture(t, "", "")
	var docs []map[string]any
	for _, p := range []string{PathMetadata, PathOIDCMetadata} {
		w := call{method: http.MethodGet, path: p}.do(f.h)
		var m map[string]any
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &m) != nil || w.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d %q", p, w.Code, w.Body.String())
		}
		docs = append(docs, m)
	}
	if a, b := docs[0], docs[1]; !slices.Equal(slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b))) {
		t.Error("the two metadata documents differ")
	}
	m := docs[0]
	want := map[string]any{
		"issuer": testIssuer, "token_endpoint": testIssuer + "/token", "jwks_uri": testIssuer + "/jwks.json",
		"revocation_endpoint": testIssuer + "/revoke", "introspection_endpoint": testIssuer + "/introspect",
		"grant_types_supported":                         []any{"client_credentials"},
		"token_endpoint_auth_methods_supported":         []any{"client_secret_basic", "client_secret_post"},
		"revocation_endpoint_auth_methods_supported":    []any{"client_secret_basic", "client_secret_post"},
		"introspection_endpoint_auth_methods_supported": []any{"client_secret_basic", "client_secret_post"},
		"scopes_supported":                              []any{"orders:read", "orders:write", "admin"},
		"response_types_supported":                      []any{},
	}
	for k, v := range want {
		got, _ := json.Marshal(m[k])
		exp, _ := json.Marshal(v)
		if string(got) != string(exp) {
			t.Errorf("%s = %s, want %s", k, got, exp)
		}
	}
	if len(m) != len(want) {
		t.Errorf("members %v", slices.Sorted(maps.Keys(m)))
	}
}

func TestJWKSAndHealth(t *testing.T) {
	f := newFixture(t, "", "")
	w := call{method: http.MethodGet, path: PathJWKS}.do(f.h)
	var doc struct{ Keys []map[string]any }
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &doc) != nil || len(doc.Keys) != 3 {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
	for _, k := range doc.Keys {
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi"} {
			if _, ok := k[private]; ok {
				t.Errorf("key %v has private member %s", k["kid"], private)
			}
		}
		if k["use"] != "sig" || k["alg"] == nil || k["kid"] == nil {
			t.Errorf("key %v", k)
		}
	}
	if w := (call{method: http.MethodGet, path: PathHealth}).do(f.h); w.Code != 200 {
		t.Errorf("/healthz: %d", w.Code)
	}
}

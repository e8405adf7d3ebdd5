package authserver

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"auth-gauntlet/reference/internal/revocation"
	"auth-gauntlet/reference/internal/testkit"
	"auth-gauntlet/reference/internal/vuln"
)

func jtiOf(t *testing.T, tok string) string {
	_, c := decode(t, tok)
	return c["jti"].(string)
}

func TestRevoke(t *testing.T) {
	auth := basic("gauntlet", gauntletSecret)
	tests := []struct {
		name    string
		prepare func(f *fixture) string // returns the token to revoke
		call    func(tok string) call
		status  int
		code    string
		revoked bool
		ttl     time.Duration
	}{
		{name: "own token, basic", prepare: func(f *fixture) string { return f.issue() },
			call: func(tok string) call { return call{basic: auth, form: form("token", tok)} }, status: 200, revoked: true, ttl: 15 * time.Minute},
		{name: "own token, post, with hint", prepare: func(f *fixture) string { return f.issue() },
			call: func(tok string) call {
				return call{form: form("token", tok, "token_type_hint", "access_token", "client_id", "gauntlet", "client_secret", gauntletSecret)}
			}, status: 200, revoked: true, ttl: 15 * time.Minute},
		{name: "own token, refresh_token hint", prepare: func(f *fixture) string { return f.issue() },
			call: func(tok string) call {
				return call{basic: auth, form: form("token", tok, "token_type_hint", "refresh_token")}
			}, status: 200, revoked: true, ttl: 15 * time.Minute},
		{name: "own token, 10 minutes left", prepare: func(f *fixture) string { tok := f.issue(); f.advance(5 * time.Minute); return tok },
			call: func(tok string) call { return call{basic: auth, form: form("token", tok)} }, status: 200, revoked: true, ttl: 10 * time.Minute},
		{name: "own token, half a second left: TTL 1 s", prepare: func(f *fixture) string {
			tok := f.issue()
			f.now = f.now.Add(15*time.Minute - 500*time.Millisecond)
			return tok
		},
			call: func(tok string) call { return call{basic: auth, form: form("token", tok)} }, status: 200, revoked: true, ttl: time.Second},
		{name: "expired token: 200, nothing written", prepare: func(f *fixture) string { tok := f.issue(); f.advance(16 * time.Minute); return tok },
			call: func(tok string) call { return call{basic: auth, form: form("token", tok)} }, status: 200},
		{name: "another client's token: 200, not revoked", prepare: func(f *fixture) string { return f.issue() },
			call: func(tok string) call { return call{basic: basic("other", otherSecret), form: form("token", tok)} }, status: 200},
		{name: "garbage: 200", prepare: func(*fixture) string { return "not-a-token" },
			call: func(tok string) call { return call{basic: auth, form: form("token", tok)} }, status: 200},
		{name: "forged with another key under our kid: 200, not revoked", prepare: func(f *fixture) string { return forged(t, f, "k-rsa", nil) },
			call: func(tok string) call { return call{basic: auth, form: form("token", tok)} }, status: 200},
		{name: "HS256 with the weak secret, switch off: 200, not revoked", prepare: func(f *fixture) string { return weakToken(t, f, nil) },
			call: func(tok string) call { return call{basic: auth, form: form("token", tok)} }, status: 200},
		{name: "token missing", prepare: func(*fixture) string { return "" },
			call: func(string) call { return call{basic: auth, form: form("token_type_hint", "access_token")} }, status: 400, code: "invalid_request"},
		{name: "wrong secret", prepare: func(f *fixture) string { return f.issue() },
			call: func(tok string) call { return call{basic: basic("gauntlet", "x"), form: form("token", tok)} }, status: 401, code: "invalid_client"},
		{name: "no client authentication", prepare: func(f *fixture) string { return f.issue() },
			call: func(tok string) call { return call{form: form("token", tok)} }, status: 401, code: "invalid_client"},
		{name: "both methods", prepare: func(f *fixture) string { return f.issue() },
			call: func(tok string) call {
				return call{basic: auth, form: form("token", tok, "client_secret", gauntletSecret)}
			}, status: 401, code: "invalid_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "", "")
			tok := tt.prepare(f)
			c := tt.call(tok)
			c.path = PathRevoke
			w := c.do(f.h)
			if w.Code != tt.status || (tt.code != "" && errorCode(w) != tt.code) {
				t.Fatalf("got %d %s, want %d %s", w.Code, w.Body.String(), tt.status, tt.code)
			}
			if tt.status == 401 && w.Header().Get("WWW-Authenticate") != challenge {
				t.Errorf("WWW-Authenticate %q", w.Header().Get("WWW-Authenticate"))
			}
			keys := f.redis.Keys()
			if !tt.revoked {
				if len(keys) != 0 {
					t.Errorf("Redis keys %v, want none", keys)
				}
				return
			}
			key := revocation.KeyPrefix + jtiOf(t, tok)
			if v, err := f.redis.Get(key); err != nil || v != "1" || len(keys) != 1 {
				t.Fatalf("Redis %s = %q, %v (keys %v)", key, v, err, keys)
			}
			if got := f.redis.TTL(key); got != tt.ttl {
				t.Errorf("TTL %v, want %v", got, tt.ttl)
			}
			if f.introspect(tok)["active"] != false {
				t.Error("revoked token still active")
			}
		})
	}
}

func TestRevokeRedisDown(t *testing.T) {
	f := newFixture(t, "", "")
	tok := f.issue()
	f.redis.Close()
	for _, path := range []string{PathRevoke, PathIntrospect} {
		w := call{path: path, basic: basic("gauntlet", gauntletSecret), form: form("token", tok)}.do(f.h)
		if w.Code != http.StatusServiceUnavailable || strings.TrimSpace(w.Body.String()) != `{"error":"temporarily_unavailable"}` {
			t.Errorf("%s: %d %s", path, w.Code, w.Body.String())
		}
	}
}

// forged signs gauntlet-like claims with a key that is not the server's.
func forged(t *testing.T, f *fixture, kid string, mod func(jwt.MapClaims)) string {
	return testkit.NewRSA(t, kid).Token(t, claimsFor(f, mod), nil)
}

// weakToken signs claims HS256 with the weak secret.
func weakToken(t *testing.T, f *fixture, mod func(jwt.MapClaims)) string {
	header := map[string]any{"kid": WeakHMACKid, "typ": "at+jwt"}
	return testkit.HMAC(t, "HS256", header, claimsFor(f, mod), []byte(vuln.WeakHMACKey))
}

// signed signs claims with the server's RSA key; header entries replace
// the defaults (nil removes one).
func signed(t *testing.T, f *fixture, header map[string]any, mod func(jwt.MapClaims)) string {
	k := keys(t)[0]
	return testkit.Signer{Kid: k.ID, Alg: k.Alg, Priv: k.Private}.Token(t, claimsFor(f, mod), header)
}

func claimsFor(f *fixture, mod func(jwt.MapClaims)) jwt.MapClaims {
	c := jwt.MapClaims{"iss": testIssuer, "sub": "gauntlet", "aud": "orders-api", "client_id": "gauntlet",
		"scope": "orders:read", "iat": f.now.Unix(), "exp": f.now.Add(10 * time.Minute).Unix(), "jti": "jti-" + f.now.String()}
	if mod != nil {
		mod(c)
	}
	return c
}

func TestIntrospect(t *testing.T) {
	f := newFixture(t, "", "")
	tok := f.issue("scope", "orders:write", "resource", "billing-api")
	got := f.introspect(tok)
	now := float64(f.now.Unix())
	want := map[string]any{"active": true, "scope": "orders:write", "client_id": "gauntlet", "sub": "gauntlet", "aud": "billing-api",
		"iss": testIssuer, "exp": now + 900, "iat": now, "jti": jtiOf(t, tok), "token_type": "Bearer"}
	if b1, b2 := mustJSON(got), mustJSON(want); b1 != b2 {
		t.Errorf("introspection\n got %s\nwant %s", b1, b2)
	}
	// Any authenticated client may introspect.
	w := call{path: PathIntrospect, form: form("token", tok, "client_id", "other", "client_secret", otherSecret)}.do(f.h)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"active":true`) || w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("other client: %d %s", w.Code, w.Body.String())
	}

	inactive := map[string]string{
		"garbage":                     "x.y.z",
		"empty JSON":                  "e30.e30.",
		"forged signature":            forged(t, f, "k-rsa", nil),
		"unknown kid":                 forged(t, f, "k-unknown", nil),
		"HS256 with the weak secret":  weakToken(t, f, nil),
		"alg none":                    "eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0." + strings.Split(signed(t, f, nil, nil), ".")[1] + ".",
		"typ JWT":                     signed(t, f, map[string]any{"typ": "JWT"}, nil),
		"no typ":                      signed(t, f, map[string]any{"typ": nil}, nil),
		"other issuer":                signed(t, f, nil, func(c jwt.MapClaims) { c["iss"] = "https://evil.test" }),
		"issuer with trailing slash":  signed(t, f, nil, func(c jwt.MapClaims) { c["iss"] = testIssuer + "/" }),
		"no exp":                      signed(t, f, nil, func(c jwt.MapClaims) { delete(c, "exp") }),
		"expired":                     signed(t, f, nil, func(c jwt.MapClaims) { c["exp"] = f.now.Add(-time.Second).Unix() }),
		"iat in the future":           signed(t, f, nil, func(c jwt.MapClaims) { c["iat"] = f.now.Add(time.Hour).Unix() }),
		"no jti":                      signed(t, f, nil, func(c jwt.MapClaims) { delete(c, "jti") }),
		"no client_id":                signed(t, f, nil, func(c jwt.MapClaims) { delete(c, "client_id") }),
		"ES256 header on the RSA key": signed(t, f, map[string]any{"kid": "k-ec"}, nil),
	}
	for name, tok := range inactive {
		if got := f.introspect(tok); len(got) != 1 || got["active"] != false {
			t.Errorf("%s: %v, want exactly {\"active\":false}", name, got)
		}
	}
	if got := f.introspect(signed(t, f, map[string]any{"typ": "application/at+jwt"}, nil)); got["active"] != true {
		t.Errorf("typ application/at+jwt: %v", got)
	}

	f.advance(15*time.Minute + time.Second)
	if got := f.introspect(tok); got["active"] != false {
		t.Errorf("expired own token: %v", got)
	}

	for _, tt := range []struct {
		name   string
		call   call
		status int
		code   string
	}{
		{"no token", call{basic: basic("gauntlet", gauntletSecret), form: form()}, 400, "invalid_request"},
		{"wrong secret", call{basic: basic("gauntlet", "x"), form: form("token", tok)}, 401, "invalid_client"},
		{"no client authentication", call{form: form("token", tok)}, 401, "invalid_client"},
	} {
		tt.call.path = PathIntrospect
		if w := tt.call.do(f.h); w.Code != tt.status || errorCode(w) != tt.code {
			t.Errorf("%s: %d %s", tt.name, w.Code, w.Body.String())
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

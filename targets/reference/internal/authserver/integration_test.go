package authserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"auth-gauntlet/reference/internal/authn"
	"auth-gauntlet/reference/internal/jwks"
	"auth-gauntlet/reference/internal/revocation"
	"auth-gauntlet/reference/internal/server"
	"auth-gauntlet/reference/internal/vuln"
)

// TestResourceServerAcceptsAndRevokes runs the resource service's
// middleware against this server's JWKS and revocation list: a token is
// accepted at /api/whoami, revoked here, then refused there.
func TestResourceServerAcceptsAndRevokes(t *testing.T) {
	tests := []struct {
		name, asVuln, alg, rsVuln string
		before, after             int // whoami status before and after revocation
	}{
		{"RS256", "", "RS256", "", 200, 401},
		{"ES256", "", "ES256", "", 200, 401},
		{"EdDSA", "", "EdDSA", "", 200, 401},
		{"no_kid: one key per alg in the JWKS", vuln.NoKid, "RS256", "", 200, 401},
		{"no_kid, EdDSA", vuln.NoKid, "EdDSA", "", 200, 401},
		{"weak_hmac_secret on both", vuln.WeakHMACSecret, "RS256", vuln.WeakHMACSecret, 200, 401},
		{"weak_hmac_secret on both, no_kid", vuln.WeakHMACSecret + "," + vuln.NoKid, "RS256", vuln.WeakHMACSecret, 200, 401},
		{"weak_hmac_secret on the AS only", vuln.WeakHMACSecret, "RS256", "", 401, 401},
		{"weak_hmac_secret on the RS only", "", "ES256", vuln.WeakHMACSecret, 200, 401},
		{"revoke_noop", vuln.RevokeNoop, "RS256", "", 200, 200},
		{"long_ttl", vuln.LongTTL, "RS256", "", 200, 401},
		{"sensitive_claims", vuln.SensitiveClaims, "RS256", "", 200, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.asVuln, tt.alg)
			f.now = time.Now().Add(-time.Second)
			as := httptest.NewServer(f.h)
			t.Cleanup(as.Close)

			rsVuln := vuln.MustParse(tt.rsVuln)
			cache := jwks.NewCache(as.URL+PathJWKS, jwks.Options{MinRefresh: time.Minute})
			if err := cache.Refresh(context.Background()); err != nil {
				t.Fatal(err)
			}
			store := revocation.NewRedis(f.redis.Addr())
			t.Cleanup(func() { store.Close() })
			policy := authn.Policy{Issuer: testIssuer, Audience: "orders-api", Algs: []string{"RS256", "ES256", "EdDSA"}, Leeway: 30 * time.Second, Typ: "at+jwt"}
			rs := server.Routes(authn.NewMiddleware(authn.NewVerifier(cache, policy, rsVuln), store, rsVuln, quiet))

			tok := f.issue("scope", "orders:read")
			whoami := func() int {
				r := httptest.NewRequest(http.MethodGet, "/api/whoami", nil)
				r.Header.Set("Authorization", "Bearer "+tok)
				w := httptest.NewRecorder()
				rs.ServeHTTP(w, r)
				return w.Code
			}
			if got := whoami(); got != tt.before {
				t.Fatalf("whoami before revocation: %d, want %d", got, tt.before)
			}
			if w := (call{path: PathRevoke, basic: basic("gauntlet", gauntletSecret), form: form("token", tok)}).do(f.h); w.Code != 200 {
				t.Fatalf("revoke: %d %s", w.Code, w.Body.String())
			}
			if got := whoami(); got != tt.after {
				t.Errorf("whoami after revocation: %d, want %d", got, tt.after)
			}
		})
	}
}

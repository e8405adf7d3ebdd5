package authn

import (
	"context"
	"crypto/rsa"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"auth-gauntlet/reference/internal/vuln"
)

// RSAKeySource returns "the" RSA public key (a *jwks.Cache in production).
type RSAKeySource interface {
	FirstRSA(ctx context.Context) (*rsa.PublicKey, error)
}

// Tutorial is VULN tutorial_middleware: the authMiddleware as common Go
// tutorials write it. The key function returns the one RSA public key
// whatever the token's alg and kid; jwt.Parse runs with its defaults (no
// iss/aud/typ check, exp optional); every failure is a bare 403.
type Tutorial struct {
	keys RSAKeySource
	vuln vuln.Set
}

// NewTutorial returns the tutorial middleware.
func NewTutorial(keys RSAKeySource, vs vuln.Set) *Tutorial {
	return &Tutorial{keys: keys, vuln: vs}
}

// Authenticate implements Auth.
func (t *Tutorial) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		authHeader := r.Header.Get("Authorization")
		if authHeader == "" {
			http.Error(w, "Forbidden", http.StatusForbidden)
			return
		}
		tokenString := strings.TrimPrefix(authHeader, "Bearer ")

		rsaPublicKey, err := t.keys.FirstRSA(r.Context())
		if err != nil {
			http.Error(w, "Forbidden", http.StatusForbidden)
			return
		}
		token, err := jwt.Parse(tokenString, func(token *jwt.Token) (interface{}, error) {
			return rsaPublicKey, nil
		})
		if err != nil || !token.Valid {
			http.Error(w, "Forbidden", http.StatusForbidden)
			return
		}

		claims := token.Claims.(jwt.MapClaims)
		sub, _ := claims["sub"].(string)
		clientID, _ := claims["client_id"].(string)
		scope, _ := claims["scope"].(string)
		var scp []string
		if list, ok := claims["scp"].([]interface{}); ok {
			for _, s := range list {
				if s, ok := s.(string); ok {
					scp = append(scp, s)
				}
			}
		}
		ctx := WithIdentity(r.Context(), newIdentity(sub, clientID, scope, scp))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// RequireScope implements Auth; a missing scope is a bare 403 as well.
func (t *Tutorial) RequireScope(scope string, next http.Handler) http.Handler {
	if t.vuln.Has(vuln.ScopeIgnored) {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := FromContext(r.Context())
		if !ok || !id.HasScope(scope) {
			http.Error(w, "Forbidden", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

package authn

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"auth-gauntlet/reference/internal/vuln"
)

// Auth is an authentication middleware plus its scope guard.
type Auth interface {
	// Authenticate verifies the bearer token and stores the Identity in the
	// request context before calling next.
	Authenticate(next http.Handler) http.Handler
	// RequireScope calls next only if the Identity holds scope.
	RequireScope(scope string, next http.Handler) http.Handler
}

// Revoker tells whether a token id has been revoked.
type Revoker interface {
	Revoked(ctx context.Context, jti string) (bool, error)
}

var (
	errMissing   = errors.New("no bearer token in the Authorization header")
	errMultiple  = errors.New("more than one Authorization header")
	errMalformed = errors.New("malformed bearer credentials")
	errTooLarge  = errors.New("Authorization header too large")
	errRevoked   = errors.New("token has been revoked")
)

// Middleware is the secure authMiddleware.
type Middleware struct {
	verifier *Verifier
	revoker  Revoker // nil: no revocation lookup
	vuln     vuln.Set
	resp     responder
	log      *log.Logger
}

// NewMiddleware returns the middleware; revoker may be nil.
func NewMiddleware(v *Verifier, revoker Revoker, vs vuln.Set, logger *log.Logger) *Middleware {
	if logger == nil {
		logger = log.Default()
	}
	return &Middleware{
		verifier: v, revoker: revoker, vuln: vs, log: logger,
		resp: responder{noChallenge: vs.Has(vuln.NoWWWAuthenticate), leak: vs.Has(vuln.ErrorLeak)},
	}
}

// Authenticate implements Auth.
func (m *Middleware) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := bearerToken(r, m.vuln)
		if errors.Is(err, errMissing) && m.vuln.Has(vuln.BearerQuery) {
			// VULN bearer_query: "for clients that cannot set headers".
			if t := r.FormValue("access_token"); t != "" {
				raw, err = t, nil
			}
		}
		switch {
		case errors.Is(err, errMissing):
			m.resp.missing(w, err)
			return
		case errors.Is(err, errMultiple):
			m.resp.invalidRequest(w, err)
			return
		case err != nil:
			m.resp.invalidToken(w, err)
			return
		}

		claims, err := m.verifier.Verify(r.Context(), raw)
		if errors.Is(err, jwt.ErrTokenMalformed) && m.vuln.Has(vuln.Malformed500) {
			// VULN malformed_500: "a token we cannot even parse is a bug on our side".
			m.log.Printf("cannot parse token: %v", err)
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		if err == nil {
			err = m.checkRevoked(r.Context(), claims.ID)
		}
		if err != nil {
			m.resp.invalidToken(w, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithIdentity(r.Context(), claims.Identity())))
	})
}

// RequireScope implements Auth.
func (m *Middleware) RequireScope(scope string, next http.Handler) http.Handler {
	if m.vuln.Has(vuln.ScopeIgnored) {
		return next // VULN scope_ignored
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := FromContext(r.Context())
		if ok && m.vuln.Has(vuln.ScopePrefix) && scopeLoose(id, scope) {
			next.ServeHTTP(w, r) // VULN scope_prefix
			return
		}
		if !ok || !id.HasScope(scope) {
			m.resp.insufficientScope(w, scope)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkRevoked looks jti up in the revocation list; it fails closed.
// A token without jti cannot be looked up and passes this step.
func (m *Middleware) checkRevoked(ctx context.Context, jti string) error {
	if m.revoker == nil || jti == "" || m.vuln.Has(vuln.NoRevocationCheck) {
		return nil
	}
	revoked, err := m.revoker.Revoked(ctx, jti)
	if err != nil {
		if m.vuln.Has(vuln.RevocationFailOpen) {
			m.log.Printf("revocation lookup failed, accepting token (VULN revocation_fail_open): %v", err)
			return nil
		}
		m.log.Printf("revocation lookup failed, rejecting token: %v", err)
		return fmt.Errorf("revocation lookup failed: %w", err)
	}
	if revoked {
		return errRevoked
	}
	return nil
}

// maxAuthorization bounds the Authorization header; a longer one is
// refused before any parsing.
const maxAuthorization = 16 << 10

// bearerToken extracts the token from the one Authorization header
// (RFC 6750 §2.1): scheme "Bearer" in any case, one space, one b64token.
// VULN lenient_base64 relaxes b64token to any printable ASCII.
func bearerToken(r *http.Request, vs vuln.Set) (string, error) {
	anyPrintable := vs.Has(vuln.LenientBase64)
	values := r.Header.Values("Authorization")
	switch {
	case len(values) == 0:
		return "", errMissing
	case len(values) > 1 && !vs.Has(vuln.AuthHeaderFirst): // VULN auth_header_first: "take the first one"
		return "", errMultiple
	}
	if len(values[0]) > maxAuthorization {
		return "", errTooLarge
	}
	scheme, token, _ := strings.Cut(values[0], " ")
	if !strings.EqualFold(scheme, "Bearer") || (vs.Has(vuln.BearerCaseSensitive) && scheme != "Bearer") {
		return "", errMissing // other schemes carry no bearer token
	}
	if anyPrintable && isPrintableToken(token) {
		return token, nil // VULN lenient_base64
	}
	if !isB64Token(token) {
		return "", errMalformed
	}
	return token, nil
}

// isB64Token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
func isB64Token(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for _, c := range []byte(body) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~+/", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// Package authn verifies JWT access tokens (RFC 9068) and provides the HTTP
// middleware that puts the caller's identity into the request context.
package authn

import (
	"context"
	"slices"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// Claims are the access-token claims the resource server reads.
type Claims struct {
	jwt.RegisteredClaims
	ClientID string   `json:"client_id,omitempty"`
	Scope    string   `json:"scope,omitempty"` // RFC 9068: space-separated
	Scp      []string `json:"scp,omitempty"`   // array form some issuers use

	issuers []string // "iss" given as an array (decoded only with VULN iss_array)
	ignored []string // registered claims of the wrong type (VULN claim_types_lenient)
}

// Identity is the verified caller, as handlers see it.
type Identity struct {
	Subject  string
	ClientID string
	Scopes   []string
}

// Identity returns the caller described by c.
func (c *Claims) Identity() *Identity {
	return newIdentity(c.Subject, c.ClientID, c.Scope, c.Scp)
}

func newIdentity(sub, clientID, scope string, scp []string) *Identity {
	id := &Identity{Subject: sub, ClientID: clientID}
	for _, s := range append(strings.Fields(scope), scp...) {
		if s != "" && !slices.Contains(id.Scopes, s) {
			id.Scopes = append(id.Scopes, s)
		}
	}
	return id
}

// HasScope reports whether the caller was granted scope.
func (id *Identity) HasScope(scope string) bool { return slices.Contains(id.Scopes, scope) }

// Scope returns the granted scopes as one space-separated string.
func (id *Identity) Scope() string { return strings.Join(id.Scopes, " ") }

type ctxKey struct{}

// WithIdentity returns a copy of ctx carrying id.
func WithIdentity(ctx context.Context, id *Identity) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// FromContext returns the identity stored by the middleware.
func FromContext(ctx context.Context) (*Identity, bool) {
	id, ok := ctx.Value(ctxKey{}).(*Identity)
	return id, ok
}

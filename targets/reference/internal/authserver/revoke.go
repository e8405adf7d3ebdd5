package authserver

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"auth-gauntlet/reference/internal/vuln"
)

// revoke is the RFC 7009 revocation endpoint. An access token this server
// issued to the calling client goes on the revocation list until its exp;
// anything else (invalid, expired, another client's token) is answered 200
// and left alone (§2.1, §2.2). token_type_hint is not needed: only access
// tokens exist so far.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	form, client, ok := s.tokenRequest(w, r)
	if !ok {
		return
	}
	if s.vuln.Has(vuln.RevokeNoop) {
		// VULN revoke_noop: "tokens are short-lived, revocation can wait".
		s.log.Printf("revoke: client %q: 200, nothing revoked (VULN revoke_noop)", client.ID)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		return
	}
	claims, err := s.tokens.parse(form.Get("token"))
	switch {
	case err != nil:
		s.log.Printf("revoke: client %q: not a valid access token of this server, nothing to do: %v", client.ID, err)
	case claims.ClientID != client.ID:
		s.log.Printf("revoke: client %q: token jti=%s belongs to client %q, not revoked", client.ID, claims.ID, claims.ClientID)
	default:
		ttl := claims.ExpiresAt.Sub(s.now())
		if err := s.store.Revoke(r.Context(), claims.ID, max(ttl, time.Second)); err != nil {
			s.oauthError(w, r, http.StatusServiceUnavailable, "temporarily_unavailable", err)
			return
		}
		s.log.Printf("revoke: client %q: jti=%s revoked for %s", client.ID, claims.ID, max(ttl, time.Second).Round(time.Second))
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// introspectResponse is the RFC 7662 §2.2 response.
type introspectResponse struct {
	Active    bool   `json:"active"`
	Scope     string `json:"scope,omitempty"`
	ClientID  string `json:"client_id,omitempty"`
	Sub       string `json:"sub,omitempty"`
	Aud       any    `json:"aud,omitempty"` // a string for one audience
	Iss       string `json:"iss,omitempty"`
	Exp       int64  `json:"exp,omitempty"`
	Iat       int64  `json:"iat,omitempty"`
	Jti       string `json:"jti,omitempty"`
	TokenType string `json:"token_type,omitempty"`
}

// introspect is the RFC 7662 introspection endpoint. Any authenticated
// client may introspect any token; a token that does not verify, has
// expired or is revoked is {"active":false}. When the revocation list
// cannot be read the answer is 503, never "active".
func (s *Server) introspect(w http.ResponseWriter, r *http.Request) {
	form, client, ok := s.tokenRequest(w, r)
	if !ok {
		return
	}
	claims, err := s.tokens.parse(form.Get("token"))
	if err != nil {
		s.log.Printf("introspect: client %q: inactive: %v", client.ID, err)
		writeJSON(w, http.StatusOK, introspectResponse{})
		return
	}
	revoked, err := s.store.Revoked(r.Context(), claims.ID)
	if err != nil {
		s.oauthError(w, r, http.StatusServiceUnavailable, "temporarily_unavailable", err)
		return
	}
	if revoked {
		s.log.Printf("introspect: client %q: jti=%s revoked: inactive", client.ID, claims.ID)
		writeJSON(w, http.StatusOK, introspectResponse{})
		return
	}
	var aud any = []string(claims.Audience)
	if len(claims.Audience) == 1 {
		aud = claims.Audience[0]
	}
	writeJSON(w, http.StatusOK, introspectResponse{
		Active: true, Scope: claims.Scope, ClientID: claims.ClientID, Sub: claims.Subject, Aud: aud,
		Iss: claims.Issuer, Exp: claims.ExpiresAt.Unix(), Iat: claims.IssuedAt.Unix(), Jti: claims.ID, TokenType: "Bearer",
	})
}

// tokenRequest reads and authenticates a revocation or introspection
// request, which must carry a token; on failure it has answered.
func (s *Server) tokenRequest(w http.ResponseWriter, r *http.Request) (form url.Values, c *Client, ok bool) {
	f, err := readForm(w, r)
	if err != nil {
		s.oauthError(w, r, http.StatusBadRequest, "invalid_request", err)
		return nil, nil, false
	}
	if c, err = s.authenticate(r, f, false); err != nil {
		s.oauthError(w, r, http.StatusUnauthorized, "invalid_client", err)
		return nil, nil, false
	}
	if f.Get("token") == "" {
		s.oauthError(w, r, http.StatusBadRequest, "invalid_request", errors.New("token missing"))
		return nil, nil, false
	}
	return f, c, true
}

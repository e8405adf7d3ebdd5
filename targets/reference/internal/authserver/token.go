package authserver

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"auth-gauntlet/reference/internal/vuln"
)

// token is the token endpoint (RFC 6749 §3.2): client authentication, then
// the grant type's handler.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	form, err := readForm(w, r)
	if err != nil {
		s.oauthError(w, r, http.StatusBadRequest, "invalid_request", err)
		return
	}
	// VULN client_auth_skipped: only the token endpoint skips the secret.
	client, err := s.authenticate(r, form, s.vuln.Has(vuln.ClientAuthSkipped))
	if err != nil {
		s.oauthError(w, r, http.StatusUnauthorized, "invalid_client", err)
		return
	}
	gt := form.Get("grant_type")
	if gt == "" {
		s.oauthError(w, r, http.StatusBadRequest, "invalid_request", errors.New("grant_type missing"))
		return
	}
	handle, ok := s.grants[gt]
	if !ok {
		s.oauthError(w, r, http.StatusBadRequest, "unsupported_grant_type", fmt.Errorf("grant_type %q", gt))
		return
	}
	handle(w, r, client, form)
}

// tokenResponse is the RFC 6749 §5.1 success response.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
}

// clientCredentials is the client_credentials grant (RFC 6749 §4.4): the
// client is the subject.
func (s *Server) clientCredentials(w http.ResponseWriter, r *http.Request, c *Client, form url.Values) {
	scopes, err := s.grantedScopes(c, form)
	if err != nil {
		s.oauthError(w, r, http.StatusBadRequest, "invalid_scope", err)
		return
	}
	aud, err := audience(c, form)
	if err != nil {
		s.oauthError(w, r, http.StatusBadRequest, "invalid_target", err)
		return
	}
	s.issue(w, r, grant{client: c, subject: c.ID, audience: aud, scopes: scopes})
}

// issue signs the access token and writes the token response.
func (s *Server) issue(w http.ResponseWriter, r *http.Request, g grant) {
	tok, err := s.tokens.issue(g)
	if err != nil {
		s.oauthError(w, r, http.StatusInternalServerError, "server_error", err)
		return
	}
	s.log.Printf("token issued: client_id=%q sub=%q aud=%q scope=%q jti=%s expires_in=%d",
		g.client.ID, g.subject, g.audience, strings.Join(g.scopes, " "), tok.jti, int64(tok.expiresIn.Seconds()))
	writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken: tok.token, TokenType: "Bearer",
		ExpiresIn: int64(tok.expiresIn.Seconds()), Scope: strings.Join(g.scopes, " "),
	})
}

// grantedScopes: the requested scopes (space-separated scope-tokens), each
// registered for c; all of c's scopes when none is requested.
func (s *Server) grantedScopes(c *Client, form url.Values) ([]string, error) {
	var requested []string
	for _, sc := range strings.Split(form.Get("scope"), " ") {
		switch {
		case sc == "" || slices.Contains(requested, sc):
		case !isScopeToken(sc):
			return nil, fmt.Errorf("scope %q is not a scope-token", sc)
		default:
			requested = append(requested, sc)
		}
	}
	if len(requested) == 0 {
		return slices.Clone(c.Scopes), nil
	}
	for _, sc := range requested {
		if !slices.Contains(c.Scopes, sc) && !s.vuln.Has(vuln.ScopeEscalation) {
			// (VULN scope_escalation: "the API checks scopes anyway".)
			return nil, fmt.Errorf("scope %q not registered for client %q", sc, c.ID)
		}
	}
	return requested, nil
}

// audience: the requested audience (RFC 8707 "resource", or "audience";
// both may be given, and repeated, if they all name the same one), which
// must be one of c's; c's first audience when none is requested.
func audience(c *Client, form url.Values) (string, error) {
	var asked []string
	for _, a := range slices.Concat(form["resource"], form["audience"]) {
		if !slices.Contains(asked, a) {
			asked = append(asked, a)
		}
	}
	switch {
	case len(asked) == 0:
		return c.Audiences[0], nil
	case len(asked) > 1:
		return "", fmt.Errorf("more than one audience requested: %q", asked)
	case !slices.Contains(c.Audiences, asked[0]):
		return "", fmt.Errorf("audience %q not registered for client %q", asked[0], c.ID)
	}
	return asked[0], nil
}

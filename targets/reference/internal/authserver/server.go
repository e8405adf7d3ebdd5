// Package authserver is the reference OAuth 2.0 authorization server: RFC
// 8414 metadata, a JWKS, the token endpoint (client_credentials so far; grant
// types are looked up in a table so more can be added), RFC 7009 revocation
// into Redis and RFC 7662 introspection. Access tokens are RFC 9068 JWTs.
package authserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"net/http"
	"net/url"
	"time"

	"auth-gauntlet/reference/internal/signing"
	"auth-gauntlet/reference/internal/vuln"
)

// Revocations is the revocation list (a *revocation.Redis in production).
type Revocations interface {
	Revoke(ctx context.Context, jti string, ttl time.Duration) error
	Revoked(ctx context.Context, jti string) (bool, error)
}

// Realm is the realm of the Basic challenge on 401 invalid_client.
const Realm = "authserver"

// Endpoint paths; the metadata lists them as ISSUER + path.
const (
	PathMetadata     = "/.well-known/oauth-authorization-server"
	PathOIDCMetadata = "/.well-known/openid-configuration"
	PathJWKS         = "/jwks.json"
	PathToken        = "/token"
	PathRevoke       = "/revoke"
	PathIntrospect   = "/introspect"
	PathHealth       = "/healthz"
)

// clientAuthMethods are the token, revocation and introspection endpoints'
// client authentication methods.
var clientAuthMethods = []string{"client_secret_basic", "client_secret_post"}

// grantHandler answers a token request of one grant type for an
// authenticated client.
type grantHandler func(w http.ResponseWriter, r *http.Request, c *Client, form url.Values)

// Server is the authorization server's HTTP side.
type Server struct {
	issuer   string
	clients  *clientRegistry
	tokens   *tokens
	store    Revocations
	vuln     vuln.Set
	log      *log.Logger
	now      func() time.Time
	grants   map[string]grantHandler
	metadata []byte
	jwks     []byte
}

// New returns the server for cfg; revocations go to store.
func New(cfg *Config, store Revocations, logger *log.Logger) (*Server, error) {
	return newServer(cfg, store, logger, time.Now)
}

func newServer(cfg *Config, store Revocations, logger *log.Logger, now func() time.Time) (*Server, error) {
	if logger == nil {
		logger = log.Default()
	}
	if len(cfg.Clients) == 0 {
		return nil, errors.New("no client")
	}
	toks, err := newTokens(cfg.Issuer, cfg.Keys, cfg.SigningAlg, cfg.AccessTTL, cfg.Vuln, now)
	if err != nil {
		return nil, err
	}
	s := &Server{
		issuer: cfg.Issuer, clients: newClientRegistry(cfg.Clients), tokens: toks,
		store: store, vuln: cfg.Vuln, log: logger, now: now,
	}
	s.grants = map[string]grantHandler{
		"client_credentials": s.clientCredentials,
	}
	// VULN jwks_private_leak: "the JWKS is generated from the key file".
	s.jwks = signing.JWKS(cfg.Keys, cfg.Vuln.Has(vuln.JWKSPrivateLeak))
	if s.metadata, err = json.Marshal(s.serverMetadata()); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler returns the routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+PathHealth, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok")
	})
	mux.HandleFunc("GET "+PathMetadata, s.serveBytes(s.metadata))
	mux.HandleFunc("GET "+PathOIDCMetadata, s.serveBytes(s.metadata))
	mux.HandleFunc("GET "+PathJWKS, s.serveBytes(s.jwks))
	mux.HandleFunc("POST "+PathToken, s.token)
	mux.HandleFunc("POST "+PathRevoke, s.revoke)
	mux.HandleFunc("POST "+PathIntrospect, s.introspect)
	return mux
}

// metadata is the RFC 8414 authorization server metadata.
type metadata struct {
	Issuer                                    string   `json:"issuer"`
	TokenEndpoint                             string   `json:"token_endpoint"`
	JWKSURI                                   string   `json:"jwks_uri"`
	RevocationEndpoint                        string   `json:"revocation_endpoint"`
	IntrospectionEndpoint                     string   `json:"introspection_endpoint"`
	ScopesSupported                           []string `json:"scopes_supported"`
	ResponseTypesSupported                    []string `json:"response_types_supported"`
	GrantTypesSupported                       []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported         []string `json:"token_endpoint_auth_methods_supported"`
	RevocationEndpointAuthMethodsSupported    []string `json:"revocation_endpoint_auth_methods_supported"`
	IntrospectionEndpointAuthMethodsSupported []string `json:"introspection_endpoint_auth_methods_supported"`
}

// grantTypes lists the keys of Server.grants in a fixed order.
var grantTypes = []string{"client_credentials"}

func (s *Server) serverMetadata() metadata {
	return metadata{
		Issuer:                s.issuer,
		TokenEndpoint:         s.issuer + PathToken,
		JWKSURI:               s.issuer + PathJWKS,
		RevocationEndpoint:    s.issuer + PathRevoke,
		IntrospectionEndpoint: s.issuer + PathIntrospect,
		ScopesSupported:       s.clients.scopesSupported(),
		// REQUIRED by RFC 8414 §2; no authorization endpoint yet, so none.
		ResponseTypesSupported:                    []string{},
		GrantTypesSupported:                       grantTypes,
		TokenEndpointAuthMethodsSupported:         clientAuthMethods,
		RevocationEndpointAuthMethodsSupported:    clientAuthMethods,
		IntrospectionEndpointAuthMethodsSupported: clientAuthMethods,
	}
}

func (s *Server) serveBytes(b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "max-age=60")
		_, _ = w.Write(b)
	}
}

// maxForm bounds a request body.
const maxForm = 64 << 10

// singleParams must not be repeated (RFC 6749 §3.1, §3.2); "resource"
// may be (RFC 8707 §2), and so, here, may its alias "audience".
var singleParams = []string{
	"grant_type", "scope", "client_id", "client_secret", "token", "token_type_hint",
	"code", "redirect_uri", "code_verifier", "refresh_token",
}

// readForm parses the application/x-www-form-urlencoded body (the query
// string is not read: credentials never travel in the URI).
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, errors.New("request body is not application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	for _, p := range singleParams {
		if len(r.PostForm[p]) > 1 {
			return nil, fmt.Errorf("parameter %q repeated", p)
		}
	}
	return r.PostForm, nil
}

// authenticate authenticates the client of a token, revocation or
// introspection request; skipSecret is VULN client_auth_skipped.
func (s *Server) authenticate(r *http.Request, form url.Values, skipSecret bool) (*Client, error) {
	cr, err := presented(r, form)
	if err != nil {
		return nil, err
	}
	if skipSecret {
		return s.clients.anyClient(cr), nil
	}
	return s.clients.authenticate(cr)
}

// oauthError writes an RFC 6749 §5.2 error. The reason goes to the log,
// never into the body.
func (s *Server) oauthError(w http.ResponseWriter, r *http.Request, status int, code string, reason error) {
	s.log.Printf("%s %s: %d %s: %v", r.Method, r.URL.Path, status, code, reason)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+Realm+`"`)
	}
	writeJSON(w, status, map[string]string{"error": code})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

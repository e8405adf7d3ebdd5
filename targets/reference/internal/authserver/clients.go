package authserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Client is a registered confidential client.
type Client struct {
	ID        string   `json:"client_id"`
	Secret    string   `json:"client_secret"`
	Scopes    []string `json:"scopes"`    // what it may be granted
	Audiences []string `json:"audiences"` // the first is the default
}

// ParseClients parses the CLIENTS JSON array. Each client needs a unique,
// non-empty client_id, a non-empty client_secret, scopes that are RFC 6749
// scope-tokens and at least one non-empty audience. Unknown members are
// ignored (later versions register redirect URIs and grant types).
func ParseClients(data []byte) ([]Client, error) {
	var cs []Client
	if err := json.Unmarshal(data, &cs); err != nil {
		return nil, fmt.Errorf("not a JSON array of clients: %w", err)
	}
	if len(cs) == 0 {
		return nil, errors.New("no client")
	}
	for i, c := range cs {
		switch {
		case c.ID == "":
			return nil, fmt.Errorf("client %d: empty client_id", i)
		case slices.ContainsFunc(cs[:i], func(o Client) bool { return o.ID == c.ID }):
			return nil, fmt.Errorf("client %d: duplicate client_id %q", i, c.ID)
		case c.Secret == "":
			return nil, fmt.Errorf("client %q: empty client_secret", c.ID)
		case len(c.Audiences) == 0 || slices.Contains(c.Audiences, ""):
			return nil, fmt.Errorf("client %q: audiences must hold at least one non-empty audience", c.ID)
		}
		for _, s := range c.Scopes {
			if !isScopeToken(s) {
				return nil, fmt.Errorf("client %q: %q is not a valid scope", c.ID, s)
			}
		}
	}
	return cs, nil
}

// isScopeToken: 1*( %x21 / %x23-5B / %x5D-7E ) (RFC 6749 §3.3).
func isScopeToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// clientRegistry authenticates clients; secrets are compared as SHA-256
// digests in constant time, so neither content nor length leaks by timing.
type clientRegistry struct {
	clients []Client
	digests map[string][32]byte
}

func newClientRegistry(cs []Client) *clientRegistry {
	r := &clientRegistry{clients: cs, digests: map[string][32]byte{}}
	for _, c := range cs {
		r.digests[c.ID] = sha256.Sum256([]byte(c.Secret))
	}
	return r
}

// errInvalidClient: client authentication failed (RFC 6749 §5.2).
var errInvalidClient = errors.New("invalid_client")

// credentials are what the request presented.
type credentials struct {
	id, secret string
	method     string // "client_secret_basic", "client_secret_post" or "none" (client_id only)
}

// presented extracts the client credentials of r: exactly one of
// client_secret_basic (RFC 6749 §2.3.1: id and secret form-urlencoded, then
// base64) or client_secret_post. A Basic header together with a
// client_secret parameter is two methods and refused (RFC 6749 §2.3); a
// client_id parameter next to Basic is tolerated if it names the same client.
func presented(r *http.Request, form url.Values) (credentials, error) {
	auth := r.Header.Values("Authorization")
	_, hasSecret := form["client_secret"]
	switch {
	case len(auth) > 1:
		return credentials{}, fmt.Errorf("%w: %d Authorization headers", errInvalidClient, len(auth))
	case len(auth) == 1:
		scheme, b64, _ := strings.Cut(auth[0], " ")
		if !strings.EqualFold(scheme, "Basic") {
			return credentials{}, fmt.Errorf("%w: Authorization scheme %q", errInvalidClient, scheme)
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
		if err != nil {
			return credentials{}, fmt.Errorf("%w: Basic credentials not base64", errInvalidClient)
		}
		encID, encSecret, ok := strings.Cut(string(raw), ":")
		if !ok {
			return credentials{}, fmt.Errorf("%w: Basic credentials without ':'", errInvalidClient)
		}
		id, err1 := url.QueryUnescape(encID)
		secret, err2 := url.QueryUnescape(encSecret)
		switch {
		case err1 != nil || err2 != nil:
			return credentials{}, fmt.Errorf("%w: Basic credentials not form-urlencoded", errInvalidClient)
		case hasSecret:
			return credentials{}, fmt.Errorf("%w: client_secret_basic and client_secret_post in one request", errInvalidClient)
		case form.Has("client_id") && form.Get("client_id") != id:
			return credentials{}, fmt.Errorf("%w: client_id parameter differs from the Basic user", errInvalidClient)
		case id == "":
			return credentials{}, fmt.Errorf("%w: empty client id", errInvalidClient)
		}
		return credentials{id: id, secret: secret, method: "client_secret_basic"}, nil
	case hasSecret && form.Get("client_id") != "":
		return credentials{id: form.Get("client_id"), secret: form.Get("client_secret"), method: "client_secret_post"}, nil
	case !hasSecret && form.Get("client_id") != "":
		// A public client (method "none"): authenticate refuses it, only
		// VULN client_auth_skipped takes the client_id at its word.
		return credentials{id: form.Get("client_id"), method: "none"}, nil
	}
	return credentials{}, fmt.Errorf("%w: no client credentials", errInvalidClient)
}

// authenticate checks the presented secret in constant time.
func (r *clientRegistry) authenticate(cr credentials) (*Client, error) {
	if cr.method == "none" {
		return nil, fmt.Errorf("%w: client %q sent no secret (public clients are not supported)", errInvalidClient, cr.id)
	}
	got := sha256.Sum256([]byte(cr.secret))
	want, known := r.digests[cr.id]
	if !known {
		want = sha256.Sum256([]byte("\x00no such client")) // same work for unknown ids
	}
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 || !known {
		return nil, fmt.Errorf("%w: client %q: bad secret or unknown client", errInvalidClient, cr.id)
	}
	return r.lookup(cr.id), nil
}

// anyClient is VULN client_auth_skipped: "the gateway in front already
// authenticated it". Any client id gets a client; an unknown one gets the
// scopes and audiences of the first registered client.
func (r *clientRegistry) anyClient(cr credentials) *Client {
	if c := r.lookup(cr.id); c != nil {
		return c
	}
	c := r.clients[0]
	c.ID, c.Secret = cr.id, cr.secret
	return &c
}

func (r *clientRegistry) lookup(id string) *Client {
	for i := range r.clients {
		if r.clients[i].ID == id {
			return &r.clients[i]
		}
	}
	return nil
}

// scopesSupported is the union of the clients' scopes, in order.
func (r *clientRegistry) scopesSupported() []string {
	out := []string{}
	for _, c := range r.clients {
		for _, s := range c.Scopes {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

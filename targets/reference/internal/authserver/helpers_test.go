package authserver

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"auth-gauntlet/reference/internal/revocation"
	"auth-gauntlet/reference/internal/signing"
	"auth-gauntlet/reference/internal/vuln"
)

const (
	testIssuer = "https://as.test"
	// gauntletSecret needs form-urlencoding in client_secret_basic.
	gauntletSecret = "s3cr:t+/%é ="
	otherSecret    = "other-secret"
)

var (
	keysOnce sync.Once
	testKeys []signing.Key
)

// keys: RSA "k-rsa", P-256 "k-ec", Ed25519 "k-ed", generated once.
func keys(t testing.TB) []signing.Key {
	keysOnce.Do(func() {
		r, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		e, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		_, d, _ := ed25519.GenerateKey(rand.Reader)
		testKeys = []signing.Key{{ID: "k-rsa", Alg: "RS256", Private: r}, {ID: "k-ec", Alg: "ES256", Private: e}, {ID: "k-ed", Alg: "EdDSA", Private: d}}
	})
	return testKeys
}

func testClients() []Client {
	return []Client{
		{ID: "gauntlet", Secret: gauntletSecret, Scopes: []string{"orders:read", "orders:write"}, Audiences: []string{"orders-api", "billing-api"}},
		{ID: "other", Secret: otherSecret, Scopes: []string{"admin"}, Audiences: []string{"admin-api"}},
	}
}

var quiet = log.New(io.Discard, "", 0)

// fixture is an authorization server with a miniredis revocation list and
// a clock the test moves.
type fixture struct {
	t     testing.TB
	srv   *Server
	h     http.Handler
	redis *miniredis.Miniredis
	now   time.Time
}

func newFixture(t testing.TB, switches, alg string) *fixture {
	t.Helper()
	if alg == "" {
		alg = "RS256"
	}
	f := &fixture{t: t, redis: miniredis.RunT(t), now: time.Now().Truncate(time.Second)}
	store := revocation.NewRedis(f.redis.Addr())
	t.Cleanup(func() { store.Close() })
	cfg := &Config{
		Issuer: testIssuer, Keys: keys(t), SigningAlg: alg, Clients: testClients(),
		AccessTTL: 15 * time.Minute, Vuln: vuln.MustParseFor(vuln.AuthServer, switches),
	}
	srv, err := newServer(cfg, store, quiet, func() time.Time { return f.now })
	if err != nil {
		t.Fatal(err)
	}
	f.srv, f.h = srv, srv.Handler()
	return f
}

// advance moves the server's clock and miniredis's TTLs.
func (f *fixture) advance(d time.Duration) {
	f.now = f.now.Add(d)
	f.redis.FastForward(d)
}

// call is one request to the server.
type call struct {
	method, path string
	basic        []string // id, secret: form-urlencoded, then base64
	rawAuth      []string // Authorization header values as given
	form         url.Values
	contentType  string // default application/x-www-form-urlencoded
}

func basic(id, secret string) []string { return []string{id, secret} }

func (c call) do(h http.Handler) *httptest.ResponseRecorder {
	method := c.method
	if method == "" {
		method = http.MethodPost
	}
	var body io.Reader
	if c.form != nil {
		body = strings.NewReader(c.form.Encode())
	}
	r := httptest.NewRequest(method, c.path, body)
	ct := c.contentType
	if ct == "" {
		ct = "application/x-www-form-urlencoded"
	}
	r.Header.Set("Content-Type", ct)
	if c.basic != nil {
		r.Header.Add("Authorization", "Basic "+base64.StdEncoding.EncodeToString(
			[]byte(url.QueryEscape(c.basic[0])+":"+url.QueryEscape(c.basic[1]))))
	}
	for _, a := range c.rawAuth {
		r.Header.Add("Authorization", a)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// form builds url.Values from key, value pairs.
func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// tokenResp decodes a token response; ok is false for anything but 200.
func tokenResp(t testing.TB, w *httptest.ResponseRecorder) (tokenResponse, bool) {
	t.Helper()
	var tr tokenResponse
	if w.Code != http.StatusOK {
		return tr, false
	}
	if err := json.Unmarshal(w.Body.Bytes(), &tr); err != nil {
		t.Fatalf("token response %q: %v", w.Body.String(), err)
	}
	return tr, true
}

// errorCode returns the "error" member of a JSON error body.
func errorCode(w *httptest.ResponseRecorder) string {
	var e struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &e)
	return e.Error
}

// issue gets a token for gauntlet by client_secret_basic with extra params.
func (f *fixture) issue(kv ...string) string {
	f.t.Helper()
	w := call{path: PathToken, basic: basic("gauntlet", gauntletSecret), form: form(append([]string{"grant_type", "client_credentials"}, kv...)...)}.do(f.h)
	tr, ok := tokenResp(f.t, w)
	if !ok {
		f.t.Fatalf("token request: %d %s", w.Code, w.Body.String())
	}
	return tr.AccessToken
}

// decode returns the header and claims of a compact JWS without verifying.
func decode(t testing.TB, tok string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q: %d segments", tok, len(parts))
	}
	for i, dst := range []*map[string]any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			t.Fatal(err)
		}
	}
	return header, claims
}

// introspect returns the introspection response for tok, asked by gauntlet.
func (f *fixture) introspect(tok string) map[string]any {
	f.t.Helper()
	w := call{path: PathIntrospect, basic: basic("gauntlet", gauntletSecret), form: form("token", tok)}.do(f.h)
	if w.Code != http.StatusOK {
		f.t.Fatalf("introspect: %d %s", w.Code, w.Body.String())
	}
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		f.t.Fatal(err)
	}
	return m
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

package authserver

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"auth-gauntlet/reference/internal/env"
	"auth-gauntlet/reference/internal/signing"
	"auth-gauntlet/reference/internal/vuln"
)

// Config is the validated authorization-server configuration.
type Config struct {
	ListenAddr  string
	TLSCertFile string
	TLSKeyFile  string

	Issuer     string        // ISSUER: https://host[:port], no path
	Keys       []signing.Key // SIGNING_KEYS_FILE, all published in the JWKS
	SigningAlg string        // SIGNING_ALG: the first key of this alg signs
	Clients    []Client      // CLIENTS
	RedisAddr  string        // REDIS_ADDR: revocations
	AccessTTL  time.Duration // ACCESS_TOKEN_TTL_SECONDS

	Vuln vuln.Set
}

// LoadConfig reads the configuration through getenv (os.Getenv in
// production). All problems are reported together in one error.
func LoadConfig(getenv func(string) string) (*Config, error) {
	e := env.New(getenv)

	c := &Config{
		ListenAddr:  e.Required("LISTEN_ADDR"),
		TLSCertFile: e.Required("TLS_CERT_FILE"),
		TLSKeyFile:  e.Required("TLS_KEY_FILE"),
		Issuer:      e.Required("ISSUER"),
		SigningAlg:  e.Or("SIGNING_ALG", "RS256"),
		RedisAddr:   e.Required("REDIS_ADDR"),
	}
	keysFile := e.Required("SIGNING_KEYS_FILE")
	clients := e.Required("CLIENTS")

	e.CheckHostPort("LISTEN_ADDR", c.ListenAddr, 65535)
	e.CheckHostPort("REDIS_ADDR", c.RedisAddr, 65535)
	if c.Issuer != "" {
		if err := checkIssuer(c.Issuer); err != nil {
			e.Fail("ISSUER %q: %v", c.Issuer, err)
		}
	}

	if !slices.Contains(signing.Algs, c.SigningAlg) {
		e.Fail("SIGNING_ALG %q: must be one of %s", c.SigningAlg, strings.Join(signing.Algs, ", "))
	}
	if keysFile != "" {
		keys, err := signing.LoadKeys(keysFile)
		switch {
		case err != nil:
			e.Fail("SIGNING_KEYS_FILE: %v", err)
		case !slices.ContainsFunc(keys, func(k signing.Key) bool { return k.Alg == c.SigningAlg }):
			e.Fail("SIGNING_KEYS_FILE: no %s key for SIGNING_ALG", c.SigningAlg)
		default:
			c.Keys = keys
		}
	}
	if clients != "" {
		var err error
		if c.Clients, err = ParseClients([]byte(clients)); err != nil {
			e.Fail("CLIENTS: %v", err)
		}
	}

	c.AccessTTL = e.Seconds("ACCESS_TOKEN_TTL_SECONDS", 900, 60, 3600)

	var err error
	if c.Vuln, err = vuln.ParseFor(vuln.AuthServer, e.Get("VULN")); err != nil {
		e.Fail("VULN: %v", err)
	}

	if err := e.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// checkIssuer: an https URL with a host and nothing after it (RFC 8414 §2:
// no query or fragment; this server serves its endpoints and metadata at
// the root, so no path either, not even "/").
func checkIssuer(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "https" || u.Host == "" || u.Opaque != "" || u.User != nil {
		return errors.New("must be an https URL with a host, e.g. https://127.0.0.1:8443")
	}
	if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(s, "?#") {
		return errors.New("must have no path (not even a trailing slash), query or fragment")
	}
	return nil
}

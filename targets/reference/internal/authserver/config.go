package authserver

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

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
	env := func(k string) string { return strings.TrimSpace(getenv(k)) }
	var errs []string
	fail := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	required := func(k string) string {
		v := env(k)
		if v == "" {
			fail("%s is required", k)
		}
		return v
	}

	c := &Config{
		ListenAddr:  required("LISTEN_ADDR"),
		TLSCertFile: required("TLS_CERT_FILE"),
		TLSKeyFile:  required("TLS_KEY_FILE"),
		Issuer:      required("ISSUER"),
		SigningAlg:  env("SIGNING_ALG"),
		RedisAddr:   required("REDIS_ADDR"),
	}
	keysFile := required("SIGNING_KEYS_FILE")
	clients := required("CLIENTS")

	if c.ListenAddr != "" {
		if err := checkHostPort(c.ListenAddr); err != nil {
			fail("LISTEN_ADDR %q: %v", c.ListenAddr, err)
		}
	}
	if c.RedisAddr != "" {
		if err := checkHostPort(c.RedisAddr); err != nil {
			fail("REDIS_ADDR %q: %v", c.RedisAddr, err)
		}
	}
	if c.Issuer != "" {
		if err := checkIssuer(c.Issuer); err != nil {
			fail("ISSUER %q: %v", c.Issuer, err)
		}
	}

	if c.SigningAlg == "" {
		c.SigningAlg = "RS256"
	}
	if !slices.Contains(signing.Algs, c.SigningAlg) {
		fail("SIGNING_ALG %q: must be one of %s", c.SigningAlg, strings.Join(signing.Algs, ", "))
	}
	if keysFile != "" {
		keys, err := signing.LoadKeys(keysFile)
		switch {
		case err != nil:
			fail("SIGNING_KEYS_FILE: %v", err)
		case !slices.ContainsFunc(keys, func(k signing.Key) bool { return k.Alg == c.SigningAlg }):
			fail("SIGNING_KEYS_FILE: no %s key for SIGNING_ALG", c.SigningAlg)
		default:
			c.Keys = keys
		}
	}
	if clients != "" {
		var err error
		if c.Clients, err = ParseClients([]byte(clients)); err != nil {
			fail("CLIENTS: %v", err)
		}
	}

	ttl := 900
	if s := env("ACCESS_TOKEN_TTL_SECONDS"); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil:
			fail("ACCESS_TOKEN_TTL_SECONDS: %q is not a whole number of seconds", s)
		case n < 60 || n > 3600:
			fail("ACCESS_TOKEN_TTL_SECONDS: %d out of range 60..3600", n)
		default:
			ttl = n
		}
	}
	c.AccessTTL = time.Duration(ttl) * time.Second

	var err error
	if c.Vuln, err = vuln.ParseFor(vuln.AuthServer, env("VULN")); err != nil {
		fail("VULN: %v", err)
	}

	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "; "))
	}
	return c, nil
}

func checkHostPort(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		return errors.New("port must be 1..65535")
	}
	return nil
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

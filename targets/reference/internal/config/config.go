// Package config reads the resource service configuration from environment
// variables and validates it.
package config

import (
	"crypto/x509"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"auth-gauntlet/reference/internal/env"
	"auth-gauntlet/reference/internal/vuln"
)

// SupportedAlgs are the asymmetric JWS algorithms ALLOWED_ALGS may name.
var SupportedAlgs = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"}

// Config is the validated configuration.
type Config struct {
	ListenAddr  string
	TLSCertFile string
	TLSKeyFile  string

	JWKSURL        string
	JWKSRootCAs    *x509.CertPool // nil: system roots
	JWKSMinRefresh time.Duration

	ExpectedIss string
	ExpectedAud string
	AllowedAlgs []string
	Leeway      time.Duration
	RequiredTyp string

	RedisAddr string // empty: no revocation lookup

	Vuln vuln.Set
}

// Load reads the configuration through getenv (os.Getenv in production).
// All problems are reported together in one error.
func Load(getenv func(string) string) (*Config, error) {
	e := env.New(getenv)

	c := &Config{
		ListenAddr:  e.Required("LISTEN_ADDR"),
		TLSCertFile: e.Required("TLS_CERT_FILE"),
		TLSKeyFile:  e.Required("TLS_KEY_FILE"),
		JWKSURL:     e.Required("JWKS_URL"),
		ExpectedIss: e.Required("EXPECTED_ISS"),
		ExpectedAud: e.Required("EXPECTED_AUD"),
		RequiredTyp: e.Or("REQUIRED_TYP", "at+jwt"),
		RedisAddr:   e.Get("REDIS_ADDR"),
	}

	// 65534, not 65535: VULN plaintext_port also listens on port+1.
	e.CheckHostPort("LISTEN_ADDR", c.ListenAddr, 65534)

	if c.JWKSURL != "" {
		u, err := url.Parse(c.JWKSURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			e.Fail("JWKS_URL %q: must be an absolute http or https URL", c.JWKSURL)
		}
	}
	if f := e.Get("JWKS_CA_FILE"); f != "" {
		pem, err := os.ReadFile(f)
		if err != nil {
			e.Fail("JWKS_CA_FILE: %v", err)
		} else {
			c.JWKSRootCAs = x509.NewCertPool()
			if !c.JWKSRootCAs.AppendCertsFromPEM(pem) {
				e.Fail("JWKS_CA_FILE %q: no PEM certificate found", f)
			}
		}
	}

	c.JWKSMinRefresh = e.Seconds("JWKS_MIN_REFRESH_SECONDS", 10, 1, 86400)
	c.Leeway = e.Seconds("LEEWAY_SECONDS", 30, 0, 60)

	for _, a := range strings.Split(e.Or("ALLOWED_ALGS", "RS256,ES256,EdDSA"), ",") {
		a = strings.TrimSpace(a)
		switch {
		case a == "":
		case !slices.Contains(SupportedAlgs, a):
			e.Fail("ALLOWED_ALGS: %q not supported (supported: %s)", a, strings.Join(SupportedAlgs, ","))
		case !slices.Contains(c.AllowedAlgs, a):
			c.AllowedAlgs = append(c.AllowedAlgs, a)
		}
	}
	if len(c.AllowedAlgs) == 0 && !e.Failed() {
		e.Fail("ALLOWED_ALGS: empty")
	}

	var err error
	if c.Vuln, err = vuln.Parse(e.Get("VULN")); err != nil {
		e.Fail("VULN: %v", err)
	}

	if err := e.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

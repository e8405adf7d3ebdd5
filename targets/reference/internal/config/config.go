// Package config reads the resource service configuration from environment
// variables and validates it.
package config

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

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
	env := func(k string) string { return strings.TrimSpace(getenv(k)) }
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
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
		JWKSURL:     required("JWKS_URL"),
		ExpectedIss: required("EXPECTED_ISS"),
		ExpectedAud: required("EXPECTED_AUD"),
		RequiredTyp: env("REQUIRED_TYP"),
		RedisAddr:   env("REDIS_ADDR"),
	}
	if c.RequiredTyp == "" {
		c.RequiredTyp = "at+jwt"
	}

	if c.ListenAddr != "" {
		if _, port, err := net.SplitHostPort(c.ListenAddr); err != nil {
			fail("LISTEN_ADDR %q: %v", c.ListenAddr, err)
		} else if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65534 {
			fail("LISTEN_ADDR %q: port must be 1..65534", c.ListenAddr)
		}
	}

	if c.JWKSURL != "" {
		u, err := url.Parse(c.JWKSURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			fail("JWKS_URL %q: must be an absolute http or https URL", c.JWKSURL)
		}
	}
	if f := env("JWKS_CA_FILE"); f != "" {
		pem, err := os.ReadFile(f)
		if err != nil {
			fail("JWKS_CA_FILE: %v", err)
		} else {
			c.JWKSRootCAs = x509.NewCertPool()
			if !c.JWKSRootCAs.AppendCertsFromPEM(pem) {
				fail("JWKS_CA_FILE %q: no PEM certificate found", f)
			}
		}
	}

	var err error
	if c.JWKSMinRefresh, err = seconds(env("JWKS_MIN_REFRESH_SECONDS"), 10, 1, 86400); err != nil {
		fail("JWKS_MIN_REFRESH_SECONDS: %v", err)
	}
	if c.Leeway, err = seconds(env("LEEWAY_SECONDS"), 30, 0, 60); err != nil {
		fail("LEEWAY_SECONDS: %v", err)
	}

	algs := env("ALLOWED_ALGS")
	if algs == "" {
		algs = "RS256,ES256,EdDSA"
	}
	for _, a := range strings.Split(algs, ",") {
		a = strings.TrimSpace(a)
		switch {
		case a == "":
		case !slices.Contains(SupportedAlgs, a):
			fail("ALLOWED_ALGS: %q not supported (supported: %s)", a, strings.Join(SupportedAlgs, ","))
		case !slices.Contains(c.AllowedAlgs, a):
			c.AllowedAlgs = append(c.AllowedAlgs, a)
		}
	}
	if len(c.AllowedAlgs) == 0 && len(errs) == 0 {
		fail("ALLOWED_ALGS: empty")
	}

	if c.Vuln, err = vuln.Parse(env("VULN")); err != nil {
		fail("VULN: %v", err)
	}

	if len(errs) > 0 {
		return nil, errors.New(joinLine(errs))
	}
	return c, nil
}

// seconds parses a whole number of seconds in [lo, hi], def when empty.
func seconds(s string, def, lo, hi int) (time.Duration, error) {
	n := def
	if s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			return 0, fmt.Errorf("%q is not a whole number of seconds", s)
		}
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%d out of range %d..%d", n, lo, hi)
	}
	return time.Duration(n) * time.Second, nil
}

func joinLine(errs []error) string {
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

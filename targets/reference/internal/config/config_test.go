package config

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func minimal() map[string]string {
	return map[string]string{
		"LISTEN_ADDR":   "127.0.0.1:18443",
		"TLS_CERT_FILE": "/tmp/cert.pem",
		"TLS_KEY_FILE":  "/tmp/key.pem",
		"JWKS_URL":      "https://127.0.0.1:18444/jwks.json",
		"EXPECTED_ISS":  "https://as.example",
		"EXPECTED_AUD":  "orders-api",
	}
}

func TestDefaults(t *testing.T) {
	c, err := Load(envOf(minimal()))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.AllowedAlgs, []string{"RS256", "ES256", "EdDSA"}) {
		t.Errorf("AllowedAlgs = %v", c.AllowedAlgs)
	}
	if c.Leeway != 30*time.Second || c.JWKSMinRefresh != 10*time.Second || c.RequiredTyp != "at+jwt" {
		t.Errorf("defaults: leeway %v refresh %v typ %q", c.Leeway, c.JWKSMinRefresh, c.RequiredTyp)
	}
	if c.RedisAddr != "" || c.JWKSRootCAs != nil || len(c.Vuln.Active()) != 0 {
		t.Errorf("unexpected optional values: %+v", c)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		set  map[string]string
		want string
	}{
		{"missing listen", map[string]string{"LISTEN_ADDR": ""}, "LISTEN_ADDR is required"},
		{"missing aud", map[string]string{"EXPECTED_AUD": " "}, "EXPECTED_AUD is required"},
		{"bad listen", map[string]string{"LISTEN_ADDR": "18443"}, "LISTEN_ADDR"},
		{"bad jwks url", map[string]string{"JWKS_URL": "file:///etc/passwd"}, "JWKS_URL"},
		{"leeway too big", map[string]string{"LEEWAY_SECONDS": "61"}, "LEEWAY_SECONDS"},
		{"leeway not number", map[string]string{"LEEWAY_SECONDS": "1m"}, "LEEWAY_SECONDS"},
		{"alg none", map[string]string{"ALLOWED_ALGS": "RS256,none"}, `"none" not supported`},
		{"alg hmac", map[string]string{"ALLOWED_ALGS": "HS256"}, `"HS256" not supported`},
		{"unknown vuln", map[string]string{"VULN": "alg_nope"}, "unknown VULN switch"},
		{"missing ca", map[string]string{"JWKS_CA_FILE": "/nonexistent/ca.pem"}, "JWKS_CA_FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := minimal()
			for k, v := range tt.set {
				m[k] = v
			}
			_, err := Load(envOf(m))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error must be one line: %q", err)
			}
		})
	}
}

func TestAllMissingIsOneLine(t *testing.T) {
	_, err := Load(envOf(nil))
	if err == nil {
		t.Fatal("want error")
	}
	for _, k := range []string{"LISTEN_ADDR", "TLS_CERT_FILE", "TLS_KEY_FILE", "JWKS_URL", "EXPECTED_ISS", "EXPECTED_AUD"} {
		if !strings.Contains(err.Error(), k) {
			t.Errorf("%q missing from %q", k, err)
		}
	}
}

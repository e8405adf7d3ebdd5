package authserver

import (
	"strings"
	"testing"
	"time"

	"auth-gauntlet/reference/internal/testkit"
	"auth-gauntlet/reference/internal/vuln"
)

// keysFile writes the test keys as a SIGNING_KEYS_FILE.
func keysFile(t *testing.T) string {
	var list []testkit.SigningKey
	for _, k := range keys(t) {
		list = append(list, testkit.SigningKey{Kid: k.ID, Alg: k.Alg, PEM: testkit.PKCS8PEM(t, k.Private)})
	}
	return testkit.WriteSigningKeys(t, t.TempDir(), list...)
}

const clientsJSON = `[{"client_id":"gauntlet","client_secret":"s","scopes":["orders:read","orders:write"],"audiences":["orders-api"],"redirect_uris":["https://x"]}]`

func TestLoadConfig(t *testing.T) {
	kf := keysFile(t)
	base := map[string]string{
		"LISTEN_ADDR": "127.0.0.1:8443", "TLS_CERT_FILE": "c.pem", "TLS_KEY_FILE": "k.pem", "ISSUER": "https://127.0.0.1:8443",
		"SIGNING_KEYS_FILE": kf, "CLIENTS": clientsJSON, "REDIS_ADDR": "127.0.0.1:6379",
	}
	with := func(kv ...string) func(string) string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}

	c, err := LoadConfig(with())
	if err != nil {
		t.Fatal(err)
	}
	if c.SigningAlg != "RS256" || c.AccessTTL != 15*time.Minute || len(c.Keys) != 3 || len(c.Clients) != 1 || len(c.Vuln.Active()) != 0 {
		t.Errorf("defaults: %+v", c)
	}
	c, err = LoadConfig(with("SIGNING_ALG", "EdDSA", "ACCESS_TOKEN_TTL_SECONDS", "60", "VULN", "long_ttl, alg_none"))
	if err != nil {
		t.Fatal(err)
	}
	if c.SigningAlg != "EdDSA" || c.AccessTTL != time.Minute || !c.Vuln.Has(vuln.LongTTL) || c.Vuln.Has(vuln.AlgNone) || len(c.Vuln.Ignored()) != 1 {
		t.Errorf("set: %+v", c)
	}

	for name, tt := range map[string]struct {
		getenv func(string) string
		want   []string
	}{
		"nothing":               {func(string) string { return "" }, []string{"LISTEN_ADDR is required", "ISSUER is required", "SIGNING_KEYS_FILE is required", "CLIENTS is required", "REDIS_ADDR is required", "TLS_KEY_FILE is required"}},
		"issuer trailing slash": {with("ISSUER", "https://127.0.0.1:8443/"), []string{"ISSUER"}},
		"issuer http":           {with("ISSUER", "http://127.0.0.1:8443"), []string{"ISSUER"}},
		"issuer path":           {with("ISSUER", "https://as.test/tenant"), []string{"ISSUER"}},
		"issuer query":          {with("ISSUER", "https://as.test?x=1"), []string{"ISSUER"}},
		"listen addr":           {with("LISTEN_ADDR", "8443"), []string{"LISTEN_ADDR"}},
		"redis addr":            {with("REDIS_ADDR", "redis"), []string{"REDIS_ADDR"}},
		"signing alg":           {with("SIGNING_ALG", "HS256"), []string{"SIGNING_ALG"}},
		"keys file missing":     {with("SIGNING_KEYS_FILE", "/nonexistent"), []string{"SIGNING_KEYS_FILE"}},
		"TTL too short":         {with("ACCESS_TOKEN_TTL_SECONDS", "59"), []string{"ACCESS_TOKEN_TTL_SECONDS", "60..3600"}},
		"TTL too long":          {with("ACCESS_TOKEN_TTL_SECONDS", "3601"), []string{"ACCESS_TOKEN_TTL_SECONDS"}},
		"TTL not a number":      {with("ACCESS_TOKEN_TTL_SECONDS", "15m"), []string{"ACCESS_TOKEN_TTL_SECONDS"}},
		"unknown switch":        {with("VULN", "long_ttl,long_tll"), []string{`"long_tll"`}},
		"clients not JSON":      {with("CLIENTS", "gauntlet:secret"), []string{"CLIENTS"}},
		"no client":             {with("CLIENTS", "[]"), []string{"CLIENTS: no client"}},
		"client without secret": {with("CLIENTS", `[{"client_id":"a","audiences":["x"]}]`), []string{"empty client_secret"}},
		"duplicate client":      {with("CLIENTS", `[{"client_id":"a","client_secret":"s","audiences":["x"]},{"client_id":"a","client_secret":"t","audiences":["x"]}]`), []string{"duplicate client_id"}},
		"client without aud":    {with("CLIENTS", `[{"client_id":"a","client_secret":"s","scopes":["x"]}]`), []string{"audiences"}},
		"bad scope":             {with("CLIENTS", `[{"client_id":"a","client_secret":"s","scopes":["a b"],"audiences":["x"]}]`), []string{`"a b" is not a valid scope`}},
	} {
		_, err := LoadConfig(tt.getenv)
		if err == nil {
			t.Errorf("%s: want an error", name)
			continue
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error spans lines: %q", name, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", name, err, w)
			}
		}
	}
}

func TestNoKeyForSigningAlg(t *testing.T) {
	k := keys(t)[0] // RSA only
	p := testkit.WriteSigningKeys(t, t.TempDir(), testkit.SigningKey{Kid: "r", Alg: "RS256", PEM: testkit.PKCS8PEM(t, k.Private)})
	env := map[string]string{"LISTEN_ADDR": "127.0.0.1:1", "TLS_CERT_FILE": "c", "TLS_KEY_FILE": "k", "ISSUER": "https://as.test",
		"SIGNING_KEYS_FILE": p, "CLIENTS": clientsJSON, "REDIS_ADDR": "127.0.0.1:1", "SIGNING_ALG": "ES256"}
	if _, err := LoadConfig(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "no ES256 key") {
		t.Errorf("err %v", err)
	}
}

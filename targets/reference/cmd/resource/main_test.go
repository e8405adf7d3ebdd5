package main

import (
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"auth-gauntlet/reference/internal/testkit"
)

// runMainEnv makes the test binary run the resource server.
const runMainEnv = "RESOURCE_TEST_RUN_MAIN"

// The test binary re-executes itself as the resource server.
func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		os.Exit(run())
	}
	os.Exit(m.Run())
}

func command(env ...string) *exec.Cmd { return testkit.ReexecCommand(runMainEnv, env...) }

func TestConfigErrorsExit2(t *testing.T) {
	for name, env := range map[string][]string{
		"nothing set":  nil,
		"unknown VULN": {"LISTEN_ADDR=127.0.0.1:1", "TLS_CERT_FILE=x", "TLS_KEY_FILE=x", "JWKS_URL=http://127.0.0.1:1/", "EXPECTED_ISS=i", "EXPECTED_AUD=a", "VULN=alg_nonee"},
		"bad cert":     {"LISTEN_ADDR=127.0.0.1:1", "TLS_CERT_FILE=/nonexistent", "TLS_KEY_FILE=/nonexistent", "JWKS_URL=http://127.0.0.1:1/", "EXPECTED_ISS=i", "EXPECTED_AUD=a"},
	} {
		out := testkit.CombinedOutputExit(t, name, command(env...), 2)
		if lines := strings.Count(strings.TrimSpace(string(out)), "\n"); lines != 0 || !strings.Contains(string(out), "invalid configuration") {
			t.Errorf("%s: want one error line, got %q", name, out)
		}
	}
}

func TestReadyLineServeAndSIGTERM(t *testing.T) {
	signer := testkit.NewEd25519(t, "k1")
	js := testkit.NewJWKSServer(t, testkit.JWKS(signer))
	certFile, keyFile := testkit.WriteTLSCert(t, t.TempDir())
	addr := testkit.FreeAddr(t)
	cmd := command("LISTEN_ADDR="+addr, "TLS_CERT_FILE="+certFile, "TLS_KEY_FILE="+keyFile,
		"JWKS_URL="+js.JWKSURL(), "EXPECTED_ISS=https://as.test", "EXPECTED_AUD=orders-api")
	testkit.StartReady(t, cmd, "resource ready on https://"+addr)

	c := testkit.InsecureHTTPSClient(0)
	get := func(path, token string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, "https://"+addr+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := get("/healthz", ""); r.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %d", r.StatusCode)
	}
	if r := get("/api/whoami", ""); r.StatusCode != http.StatusUnauthorized || r.Header.Get("WWW-Authenticate") != `Bearer realm="reference"` {
		t.Errorf("whoami without token: %d %q", r.StatusCode, r.Header.Get("WWW-Authenticate"))
	}
	tok := signer.Token(t, testkit.Claims("https://as.test", "orders-api"), nil)
	if r := get("/api/whoami", tok); r.StatusCode != http.StatusOK {
		t.Errorf("whoami with valid token: %d", r.StatusCode)
	}

	testkit.StopWithSIGTERM(t, cmd)
}

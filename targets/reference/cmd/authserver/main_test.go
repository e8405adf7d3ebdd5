package main

import (
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"

	"auth-gauntlet/reference/internal/testkit"
)

// runMainEnv makes the test binary run the authorization server.
const runMainEnv = "AUTHSERVER_TEST_RUN_MAIN"

// The test binary re-executes itself as the authorization server.
func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		os.Exit(run())
	}
	os.Exit(m.Run())
}

func command(env ...string) *exec.Cmd { return testkit.ReexecCommand(runMainEnv, env...) }

func writeKeys(t *testing.T, dir string) string {
	k := testkit.NewRSA(t, "k1")
	return testkit.WriteSigningKeys(t, dir, testkit.SigningKey{Kid: k.Kid, Alg: k.Alg, PEM: testkit.PKCS8PEM(t, k.Priv)})
}

const clients = `[{"client_id":"gauntlet","client_secret":"s3cret","scopes":["orders:read"],"audiences":["orders-api"]}]`

func TestConfigErrorsExit2(t *testing.T) {
	dir := t.TempDir()
	kf := writeKeys(t, dir)
	ok := []string{"LISTEN_ADDR=127.0.0.1:1", "TLS_CERT_FILE=/nonexistent", "TLS_KEY_FILE=/nonexistent", "ISSUER=https://as.test",
		"SIGNING_KEYS_FILE=" + kf, "CLIENTS=" + clients, "REDIS_ADDR=127.0.0.1:1"}
	for name, env := range map[string][]string{
		"nothing set":  nil,
		"unknown VULN": append(ok, "VULN=long_ttl,no_such_switch"),
		"bad clients":  append(ok[:len(ok):len(ok)], "CLIENTS=[{]"),
		"bad cert":     ok,
	} {
		out := testkit.CombinedOutputExit(t, name, command(env...), 2)
		if lines := strings.Count(strings.TrimSpace(string(out)), "\n"); lines != 0 || !strings.HasPrefix(string(out), "authserver: invalid configuration: ") {
			t.Errorf("%s: want one error line, got %q", name, out)
		}
	}
}

func TestReadyLineServeAndSIGTERM(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := testkit.WriteTLSCert(t, dir)
	mr := miniredis.RunT(t)
	addr := testkit.FreeAddr(t)
	cmd := command("LISTEN_ADDR="+addr, "TLS_CERT_FILE="+certFile, "TLS_KEY_FILE="+keyFile, "ISSUER=https://"+addr,
		"SIGNING_KEYS_FILE="+writeKeys(t, dir), "CLIENTS="+clients, "REDIS_ADDR="+mr.Addr(), "VULN=alg_none")
	rest := testkit.StartReady(t, cmd, "authserver ready on https://"+addr)

	c := testkit.InsecureHTTPSClient(0)
	resp, err := c.Get("https://" + addr + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	if resp.TLS.Version < tls.VersionTLS12 {
		t.Errorf("TLS version %x", resp.TLS.Version)
	}
	old := testkit.InsecureHTTPSClient(tls.VersionTLS11)
	if _, err := old.Get("https://" + addr + "/healthz"); err == nil {
		t.Error("TLS 1.1 accepted")
	}

	resp, err = c.PostForm("https://"+addr+"/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"gauntlet"}, "client_secret": {"s3cret"}})
	if err != nil {
		t.Fatal(err)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tr)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || tr.AccessToken == "" || tr.ExpiresIn != 900 {
		t.Fatalf("token: %d %+v", resp.StatusCode, tr)
	}
	req, _ := http.NewRequest(http.MethodPost, "https://"+addr+"/revoke", strings.NewReader("token="+tr.AccessToken))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("gauntlet", "s3cret")
	if resp, err = c.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %v %v", resp, err)
	}
	resp.Body.Close()
	if keys := mr.Keys(); len(keys) != 1 || !strings.HasPrefix(keys[0], "revoked:") {
		t.Errorf("Redis keys %v", keys)
	}

	testkit.StopWithSIGTERM(t, cmd)
	if more := <-rest; more != "" {
		t.Errorf("more on stdout after the ready line: %q", more)
	}
}

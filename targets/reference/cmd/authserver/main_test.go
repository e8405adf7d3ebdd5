package main

import (
	"bufio"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// The test binary re-executes itself as the authorization server.
func TestMain(m *testing.M) {
	if os.Getenv("AUTHSERVER_TEST_RUN_MAIN") == "1" {
		os.Exit(run())
	}
	os.Exit(m.Run())
}

func command(env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append([]string{"AUTHSERVER_TEST_RUN_MAIN=1"}, env...)
	return cmd
}

func pkcs8PEM(t *testing.T, k crypto.Signer) string {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func writeCert(t *testing.T, dir string) (certFile, keyFile string) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	_ = os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(keyFile, []byte(pkcs8PEM(t, key)), 0o600)
	return certFile, keyFile
}

func writeKeys(t *testing.T, dir string) string {
	r, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"keys": []map[string]string{{"kid": "k1", "alg": "RS256", "pem": pkcs8PEM(t, r)}}})
	p := filepath.Join(dir, "keys.json")
	_ = os.WriteFile(p, b, 0o600)
	return p
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
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
		out, err := command(env...).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("%s: err %v, want exit 2 (output %q)", name, err, out)
		}
		if lines := strings.Count(strings.TrimSpace(string(out)), "\n"); lines != 0 || !strings.HasPrefix(string(out), "authserver: invalid configuration: ") {
			t.Errorf("%s: want one error line, got %q", name, out)
		}
	}
}

func TestReadyLineServeAndSIGTERM(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := writeCert(t, dir)
	mr := miniredis.RunT(t)
	addr := freeAddr(t)
	cmd := command("LISTEN_ADDR="+addr, "TLS_CERT_FILE="+certFile, "TLS_KEY_FILE="+keyFile, "ISSUER=https://"+addr,
		"SIGNING_KEYS_FILE="+writeKeys(t, dir), "CLIENTS="+clients, "REDIS_ADDR="+mr.Addr(), "VULN=alg_none")
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()

	line := make(chan string, 1)
	rest := make(chan string, 1)
	go func() {
		br := bufio.NewReader(stdout)
		s, _ := br.ReadString('\n')
		line <- s
		more, _ := io.ReadAll(br)
		rest <- string(more)
	}()
	select {
	case got := <-line:
		if want := "authserver ready on https://" + addr + "\n"; got != want {
			t.Fatalf("stdout line %q, want %q", got, want)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no ready line")
	}

	c := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := c.Get("https://" + addr + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	if resp.TLS.Version < tls.VersionTLS12 {
		t.Errorf("TLS version %x", resp.TLS.Version)
	}
	old := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS11}}}
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

	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
	if more := <-rest; more != "" {
		t.Errorf("more on stdout after the ready line: %q", more)
	}
}

package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"auth-gauntlet/reference/internal/testkit"
)

// The test binary re-executes itself as the resource server.
func TestMain(m *testing.M) {
	if os.Getenv("RESOURCE_TEST_RUN_MAIN") == "1" {
		os.Exit(run())
	}
	os.Exit(m.Run())
}

func command(env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append([]string{"RESOURCE_TEST_RUN_MAIN=1"}, env...)
	return cmd
}

func TestConfigErrorsExit2(t *testing.T) {
	for name, env := range map[string][]string{
		"nothing set":  nil,
		"unknown VULN": {"LISTEN_ADDR=127.0.0.1:1", "TLS_CERT_FILE=x", "TLS_KEY_FILE=x", "JWKS_URL=http://127.0.0.1:1/", "EXPECTED_ISS=i", "EXPECTED_AUD=a", "VULN=alg_nonee"},
		"bad cert":     {"LISTEN_ADDR=127.0.0.1:1", "TLS_CERT_FILE=/nonexistent", "TLS_KEY_FILE=/nonexistent", "JWKS_URL=http://127.0.0.1:1/", "EXPECTED_ISS=i", "EXPECTED_AUD=a"},
	} {
		out, err := command(env...).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Errorf("%s: err %v, want exit 2 (output %q)", name, err, out)
		}
		if lines := strings.Count(strings.TrimSpace(string(out)), "\n"); lines != 0 || !strings.Contains(string(out), "invalid configuration") {
			t.Errorf("%s: want one error line, got %q", name, out)
		}
	}
}

func writeCert(t *testing.T, dir string) (certFile, keyFile string) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalPKCS8PrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	_ = os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)
	return certFile, keyFile
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestReadyLineServeAndSIGTERM(t *testing.T) {
	signer := testkit.NewEd25519(t, "k1")
	js := testkit.NewJWKSServer(t, testkit.JWKS(signer))
	certFile, keyFile := writeCert(t, t.TempDir())
	addr := freeAddr(t)
	cmd := command("LISTEN_ADDR="+addr, "TLS_CERT_FILE="+certFile, "TLS_KEY_FILE="+keyFile,
		"JWKS_URL="+js.JWKSURL(), "EXPECTED_ISS=https://as.test", "EXPECTED_AUD=orders-api")
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()

	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- s
	}()
	select {
	case got := <-line:
		if want := "resource ready on https://" + addr + "\n"; got != want {
			t.Fatalf("stdout line %q, want %q", got, want)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no ready line")
	}

	c := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
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
}

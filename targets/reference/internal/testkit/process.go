package testkit

import (
	"bufio"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// ReexecCommand returns a command that runs the test binary again, running
// no tests, with envVar=1 and then env as its whole environment. The
// package's TestMain sees envVar and runs the program instead of the tests.
func ReexecCommand(envVar string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append([]string{envVar + "=1"}, env...)
	return cmd
}

// CombinedOutputExit runs cmd and returns its combined stdout and stderr. It
// reports an error, prefixed with name, unless cmd exits with status code.
func CombinedOutputExit(t testing.TB, name string, cmd *exec.Cmd, code int) []byte {
	t.Helper()
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != code {
		t.Errorf("%s: err %v, want exit %d (output %q)", name, err, code, out)
	}
	return out
}

// FreeAddr returns a 127.0.0.1 address with a port that was free a moment
// ago.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// StartReady starts cmd with its stderr discarded and fails the test at
// once unless the first line cmd prints on stdout, within 15 seconds, is
// readyLine (without its newline). The process is killed when the test
// ends. The channel yields what cmd printed on stdout after that line, once
// stdout is closed.
func StartReady(t testing.TB, cmd *exec.Cmd, readyLine string) (rest <-chan string) {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	line := make(chan string, 1)
	more := make(chan string, 1)
	go func() {
		br := bufio.NewReader(stdout)
		s, _ := br.ReadString('\n')
		line <- s
		b, _ := io.ReadAll(br)
		more <- string(b)
	}()
	select {
	case got := <-line:
		if want := readyLine + "\n"; got != want {
			t.Fatalf("stdout line %q, want %q", got, want)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no ready line")
	}
	return more
}

// StopWithSIGTERM sends cmd SIGTERM and fails the test unless it then exits
// with status 0 within 10 seconds.
func StopWithSIGTERM(t testing.TB, cmd *exec.Cmd) {
	t.Helper()
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

// InsecureHTTPSClient returns a client with a 3-second timeout that does
// not verify server certificates (the test servers' are self-signed).
// maxTLSVersion caps the TLS version offered; 0 leaves it uncapped.
func InsecureHTTPSClient(maxTLSVersion uint16) *http.Client {
	return &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MaxVersion: maxTLSVersion},
	}}
}

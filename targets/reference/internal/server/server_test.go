package server

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/http"
	"testing"
	"time"

	"auth-gauntlet/reference/internal/vuln"
)

// okAuth lets everything through (the transport is under test here).
type okAuth struct{}

func (okAuth) Authenticate(next http.Handler) http.Handler           { return next }
func (okAuth) RequireScope(_ string, next http.Handler) http.Handler { return next }

func testCert(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// start serves Routes on 127.0.0.1 at a port whose successor is free too.
func start(t *testing.T, cert tls.Certificate, switches string) *Server {
	t.Helper()
	vs := vuln.MustParse(switches)
	for range 20 {
		probe, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := probe.Addr().String()
		probe.Close()
		s, err := Listen(addr, Routes(okAuth{}), TLSConfig(cert, vs), vs)
		if err != nil {
			continue
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Serve(ctx) }()
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Serve: %v", err)
			}
		})
		return s
	}
	t.Fatal("no free port pair")
	return nil
}

func handshake(addr string, cfg *tls.Config) error {
	cfg = cfg.Clone()
	cfg.InsecureSkipVerify = true
	d := &net.Dialer{Timeout: 2 * time.Second}
	conn, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err == nil {
		conn.Close()
	}
	return err
}

var (
	modern = &tls.Config{MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12}
	tls10  = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS10,
		CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA}}
	cbc12 = &tls.Config{MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256}}
	rsaKex = &tls.Config{MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256}}
	tls13 = &tls.Config{MinVersion: tls.VersionTLS13}
)

func TestTransportSwitches(t *testing.T) {
	cert := testCert(t)
	type want struct{ modern, tls13, tls10, cbc12, rsaKex, plain bool }
	tests := map[string]want{
		"":                 {modern: true, tls13: true},
		vuln.TLS10:         {modern: true, tls13: true, tls10: true},
		vuln.WeakCiphers:   {modern: true, tls13: true, cbc12: true, rsaKex: true},
		vuln.PlaintextPort: {modern: true, tls13: true, plain: true},
	}
	for sw, w := range tests {
		t.Run("VULN="+sw, func(t *testing.T) {
			s := start(t, cert, sw)
			for name, c := range map[string]struct {
				cfg  *tls.Config
				want bool
			}{"TLS1.2 AEAD": {modern, w.modern}, "TLS1.3": {tls13, w.tls13}, "TLS1.0": {tls10, w.tls10}, "TLS1.2 CBC": {cbc12, w.cbc12}, "TLS1.2 RSA kex": {rsaKex, w.rsaKex}} {
				if err := handshake(s.Addr(), c.cfg); (err == nil) != c.want {
					t.Errorf("%s: handshake error %v, want success=%v", name, err, c.want)
				}
			}
			plainAddr := PlusOne(s.Addr())
			if got := s.PlainAddr() != ""; got != w.plain {
				t.Errorf("plain listener = %v, want %v", got, w.plain)
			}
			resp, err := (&http.Client{Timeout: 2 * time.Second}).Get("http://" + plainAddr + "/healthz")
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				err = nil
				if resp.StatusCode != http.StatusOK || string(body) != "ok" {
					t.Errorf("plain /healthz: %d %q", resp.StatusCode, body)
				}
			}
			if (err == nil) != w.plain {
				t.Errorf("plain HTTP on %s: err %v, want success=%v", plainAddr, err, w.plain)
			}
		})
	}
}

func TestHealthzOverTLS(t *testing.T) {
	s := start(t, testCert(t), "")
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := c.Get("https://" + s.Addr() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "ok" {
		t.Fatalf("%d %q", resp.StatusCode, body)
	}
}

package testkit

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// PKCS8PEM returns k as a PEM "PRIVATE KEY" block (PKCS#8).
func PKCS8PEM(t testing.TB, k crypto.Signer) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// SigningKey is one entry of a SIGNING_KEYS_FILE document.
type SigningKey struct{ Kid, Alg, PEM string }

// SigningKeysJSON returns the SIGNING_KEYS_FILE document
// {"keys":[{"kid":…,"alg":…,"pem":…},…]} for keys.
func SigningKeysJSON(keys ...SigningKey) []byte {
	list := make([]map[string]string, len(keys))
	for i, k := range keys {
		list[i] = map[string]string{"kid": k.Kid, "alg": k.Alg, "pem": k.PEM}
	}
	b, _ := json.Marshal(map[string]any{"keys": list})
	return b
}

// WriteSigningKeys writes SigningKeysJSON(keys...) to dir/keys.json and
// returns its path.
func WriteSigningKeys(t testing.TB, dir string, keys ...SigningKey) string {
	t.Helper()
	p := filepath.Join(dir, "keys.json")
	if err := os.WriteFile(p, SigningKeysJSON(keys...), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// WriteTLSCert writes a self-signed P-256 certificate for 127.0.0.1, valid
// for an hour either side of now, to dir/cert.pem and its PKCS#8 key to
// dir/key.pem.
func WriteTLSCert(t testing.TB, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, []byte(PKCS8PEM(t, key)), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

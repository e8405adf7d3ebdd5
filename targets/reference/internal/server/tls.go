package server

import (
	"crypto/tls"
	"slices"

	"auth-gauntlet/reference/internal/vuln"
)

// aeadSuites are the only TLS 1.2 suites of the secure configuration
// (TLS 1.3 suites are all AEAD and not configurable).
var aeadSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// weakSuites: CBC, RSA key exchange and 3DES (VULN weak_ciphers).
var weakSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
	tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
	tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
	tls.TLS_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_RSA_WITH_AES_128_CBC_SHA,
	tls.TLS_RSA_WITH_AES_256_CBC_SHA,
	tls.TLS_RSA_WITH_AES_128_CBC_SHA256,
	tls.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,
	tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
}

// legacySuites are what TLS 1.0/1.1 clients need (VULN tls10).
var legacySuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
	tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
	tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
}

// TLSConfig returns the server TLS configuration: TLS 1.2 minimum, AEAD
// suites only, unless the transport switches say otherwise.
func TLSConfig(cert tls.Certificate, vs vuln.Set) *tls.Config {
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		CipherSuites: slices.Clone(aeadSuites),
	}
	if vs.Has(vuln.WeakCiphers) {
		cfg.CipherSuites = append(cfg.CipherSuites, weakSuites...)
	}
	if vs.Has(vuln.TLS10) {
		// VULN tls10: TLS 1.0/1.1 accepted. Old clients get the CBC suites
		// they need; TLS 1.2 clients keep the suite list above, so this
		// switch does not also open weak TLS 1.2 suites.
		legacy := cfg.Clone()
		legacy.MinVersion = tls.VersionTLS10 //nolint:gosec // VULN tls10
		legacy.CipherSuites = append(slices.Clone(legacySuites), cfg.CipherSuites...)
		cfg.MinVersion = tls.VersionTLS10 //nolint:gosec // VULN tls10
		cfg.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			if len(hello.SupportedVersions) > 0 && slices.Max(hello.SupportedVersions) < tls.VersionTLS12 {
				return legacy, nil
			}
			return nil, nil
		}
	}
	return cfg
}

// Command authserver is the reference OAuth 2.0 authorization server: an
// HTTPS service issuing RFC 9068 JWT access tokens (client_credentials so
// far), with RFC 8414 metadata, a JWKS, RFC 7009 revocation into Redis and
// RFC 7662 introspection.
package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"auth-gauntlet/reference/internal/authserver"
	"auth-gauntlet/reference/internal/revocation"
	"auth-gauntlet/reference/internal/server"
	"auth-gauntlet/reference/internal/vuln"
)

func main() { os.Exit(run()) }

func run() int {
	log.SetFlags(log.LstdFlags | log.LUTC)
	log.SetPrefix("authserver: ")

	cfg, err := authserver.LoadConfig(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "authserver: invalid configuration:", err)
		return 2
	}
	cert, err := tls.LoadX509KeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "authserver: invalid configuration: TLS_CERT_FILE/TLS_KEY_FILE:", err)
		return 2
	}
	logSwitches(cfg.Vuln)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	store := revocation.NewRedis(cfg.RedisAddr)
	defer store.Close()
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	if err := store.Ping(pctx); err != nil {
		log.Printf("revocation: Redis %s not reachable yet (revoke/introspect answer 503 until it is): %v", cfg.RedisAddr, err)
	} else {
		log.Printf("revocation: Redis %s, key %s<jti>", cfg.RedisAddr, revocation.KeyPrefix)
	}
	cancel()

	as, err := authserver.New(cfg, store, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "authserver: invalid configuration:", err)
		return 2
	}
	kids := make([]string, len(cfg.Keys))
	for i, k := range cfg.Keys {
		kids[i] = k.ID + "/" + k.Alg
	}
	log.Printf("issuer %s, signing alg %s, keys %s, %d clients, access token TTL %s",
		cfg.Issuer, cfg.SigningAlg, strings.Join(kids, ","), len(cfg.Clients), cfg.AccessTTL)

	// Only the resource service implements the transport switches, so the
	// AS's switch set never turns them on here: TLS 1.2+, AEAD suites only.
	srv, err := server.Listen(cfg.ListenAddr, as.Handler(), server.TLSConfig(cert, cfg.Vuln), cfg.Vuln)
	if err != nil {
		log.Printf("listen: %v", err)
		return 1
	}

	fmt.Printf("authserver ready on https://%s\n", cfg.ListenAddr)

	if err := srv.Serve(ctx); err != nil {
		log.Printf("server: %v", err)
		return 1
	}
	log.Printf("stopped")
	return 0
}

func logSwitches(vs vuln.Set) {
	if active := vs.Active(); len(active) > 0 {
		log.Printf("VULN active: %s", strings.Join(active, ","))
	} else {
		log.Printf("VULN active: none (secure defaults)")
	}
	if ignored := vs.Ignored(); len(ignored) > 0 {
		log.Printf("VULN ignored (not implemented by the authorization server): %s", strings.Join(ignored, ","))
	}
}

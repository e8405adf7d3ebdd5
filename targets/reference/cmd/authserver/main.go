// Command authserver is the reference OAuth 2.0 authorization server: an
// HTTPS service issuing RFC 9068 JWT access tokens (client_credentials so
// far), with RFC 8414 metadata, a JWKS, RFC 7009 revocation into Redis and
// RFC 7662 introspection.
package main

import (
	"context"
	"log"
	"os"
	"strings"
	"time"

	"auth-gauntlet/reference/internal/authserver"
	"auth-gauntlet/reference/internal/revocation"
	"auth-gauntlet/reference/internal/server"
)

func main() { os.Exit(run()) }

// name prefixes the logs and the configuration errors, and starts the
// ready line.
const name = "authserver"

func run() int {
	server.SetupLog(name)

	cfg, err := authserver.LoadConfig(os.Getenv)
	if err != nil {
		return server.InvalidConfig(name, err)
	}
	cert, err := server.LoadKeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
	if err != nil {
		return server.InvalidConfig(name, err)
	}
	server.LogSwitches(cfg.Vuln, "the authorization server")

	ctx, stop := server.SignalContext()
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
		return server.InvalidConfig(name, err)
	}
	kids := make([]string, len(cfg.Keys))
	for i, k := range cfg.Keys {
		kids[i] = k.ID + "/" + k.Alg
	}
	log.Printf("issuer %s, signing alg %s, keys %s, %d clients, access token TTL %s",
		cfg.Issuer, cfg.SigningAlg, strings.Join(kids, ","), len(cfg.Clients), cfg.AccessTTL)

	// Only the resource service implements the transport switches, so the
	// AS's switch set never turns them on here: TLS 1.2+, AEAD suites only.
	return server.Run(ctx, name, cfg.ListenAddr, server.TLSConfig(cert, cfg.Vuln), as.Handler(), cfg.Vuln)
}

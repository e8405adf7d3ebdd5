// Command resource is the reference resource server: an HTTPS API that
// verifies JWT access tokens in an authMiddleware.
package main

import (
	"context"
	"crypto/tls"
	"log"
	"net/http"
	"os"
	"time"

	"auth-gauntlet/reference/internal/authn"
	"auth-gauntlet/reference/internal/config"
	"auth-gauntlet/reference/internal/jwks"
	"auth-gauntlet/reference/internal/revocation"
	"auth-gauntlet/reference/internal/server"
	"auth-gauntlet/reference/internal/vuln"
)

func main() { os.Exit(run()) }

// name prefixes the logs and the configuration error, and starts the
// ready line.
const name = "resource"

func run() int {
	server.SetupLog(name)

	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return server.InvalidConfig(name, err)
	}
	cert, err := server.LoadKeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
	if err != nil {
		return server.InvalidConfig(name, err)
	}
	server.LogSwitches(cfg.Vuln, "the resource HTTP service")

	ctx, stop := server.SignalContext()
	defer stop()

	keys := jwks.NewCache(cfg.JWKSURL, jwks.Options{
		Client:     jwksClient(cfg),
		MinRefresh: cfg.JWKSMinRefresh,
		Unbounded:  cfg.Vuln.Has(vuln.JWKSRefetchUnbounded),
	})
	loadJWKS(ctx, keys, cfg.JWKSURL)

	var revoker authn.Revoker
	if cfg.RedisAddr == "" || cfg.Vuln.Has(vuln.NoRevocationCheck) || cfg.Vuln.Has(vuln.TutorialMiddleware) {
		log.Printf("revocation: no lookup (REDIS_ADDR unset, or VULN no_revocation_check/tutorial_middleware)")
	} else {
		r := revocation.NewRedis(cfg.RedisAddr)
		defer r.Close()
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		if err := r.Ping(pctx); err != nil {
			log.Printf("revocation: Redis %s not reachable yet (requests fail closed until it is): %v", cfg.RedisAddr, err)
		} else {
			log.Printf("revocation: Redis %s, key %s<jti>", cfg.RedisAddr, revocation.KeyPrefix)
		}
		cancel()
		revoker = r
	}

	var auth authn.Auth
	if cfg.Vuln.Has(vuln.TutorialMiddleware) {
		auth = authn.NewTutorial(keys, cfg.Vuln)
	} else {
		policy := authn.Policy{
			Issuer: cfg.ExpectedIss, Audience: cfg.ExpectedAud, Algs: cfg.AllowedAlgs,
			Leeway: cfg.Leeway, Typ: cfg.RequiredTyp,
		}
		auth = authn.NewMiddleware(authn.NewVerifier(keys, policy, cfg.Vuln), revoker, cfg.Vuln, nil)
	}
	return server.Run(ctx, name, cfg.ListenAddr, server.TLSConfig(cert, cfg.Vuln), server.Routes(auth), cfg.Vuln)
}

// jwksClient verifies the JWKS server with JWKS_CA_FILE (or system roots)
// and never uses a proxy, so traffic stays where JWKS_URL points.
func jwksClient(cfg *config.Config) *http.Client {
	return &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{
			Proxy:           nil,
			TLSClientConfig: &tls.Config{RootCAs: cfg.JWKSRootCAs, MinVersion: tls.VersionTLS12},
		},
	}
}

// loadJWKS tries the first fetch for up to 10 s; later lookups retry.
func loadJWKS(ctx context.Context, keys *jwks.Cache, url string) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := keys.Refresh(ctx)
		if err == nil {
			log.Printf("jwks: loaded %s", url)
			return
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			log.Printf("jwks: initial fetch failed, will retry on demand: %v", err)
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}

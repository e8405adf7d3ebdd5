package server

import (
	"context"
	"crypto/tls"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"auth-gauntlet/reference/internal/vuln"
)

// The start and the end of a service command (cmd/resource,
// cmd/authserver). A command's run is:
//
//	server.SetupLog(name)
//	cfg, err := load(os.Getenv)
//	if err != nil { return server.InvalidConfig(name, err) }
//	cert, err := server.LoadKeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
//	if err != nil { return server.InvalidConfig(name, err) }
//	server.LogSwitches(cfg.Vuln, "<who ignores the rest>")
//	ctx, stop := server.SignalContext()
//	defer stop()
//	... the service's own set-up ...
//	return server.Run(ctx, name, cfg.ListenAddr, server.TLSConfig(cert, cfg.Vuln), handler, cfg.Vuln)

// SetupLog makes the standard logger (stderr) write UTC timestamps and the
// prefix "<name>: ".
func SetupLog(name string) {
	log.SetFlags(log.LstdFlags | log.LUTC)
	log.SetPrefix(name + ": ")
}

// InvalidConfig writes the one stderr line of an invalid configuration,
// "<name>: invalid configuration: <err>", and returns exit code 2.
func InvalidConfig(name string, err error) int {
	fmt.Fprintln(os.Stderr, name+": invalid configuration:", err)
	return 2
}

// LoadKeyPair loads the TLS certificate chain and key of TLS_CERT_FILE and
// TLS_KEY_FILE; its error names those variables.
func LoadKeyPair(certFile, keyFile string) (tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return cert, fmt.Errorf("TLS_CERT_FILE/TLS_KEY_FILE: %w", err)
	}
	return cert, nil
}

// LogSwitches logs the active VULN switches and the ignored ones, which
// are "not implemented by <service>".
func LogSwitches(vs vuln.Set, service string) {
	if active := vs.Active(); len(active) > 0 {
		log.Printf("VULN active: %s", strings.Join(active, ","))
	} else {
		log.Printf("VULN active: none (secure defaults)")
	}
	if ignored := vs.Ignored(); len(ignored) > 0 {
		log.Printf("VULN ignored (not implemented by %s): %s", service, strings.Join(ignored, ","))
	}
}

// SignalContext returns a context cancelled on SIGINT or SIGTERM.
func SignalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
}

// Run runs the HTTPS service name to its end and returns the command's exit
// code: it listens on addr (see Listen), writes the one stdout line
// "<name> ready on https://<addr>", serves h until ctx is done and then
// shuts down gracefully (0), or logs why listening or serving failed (1).
func Run(ctx context.Context, name, addr string, tlsCfg *tls.Config, h http.Handler, vs vuln.Set) int {
	srv, err := Listen(addr, h, tlsCfg, vs)
	if err != nil {
		log.Printf("listen: %v", err)
		return 1
	}
	if plain := srv.PlainAddr(); plain != "" {
		log.Printf("VULN plaintext_port: also serving plain HTTP on http://%s", plain)
	}

	fmt.Printf("%s ready on https://%s\n", name, addr)

	if err := srv.Serve(ctx); err != nil {
		log.Printf("server: %v", err)
		return 1
	}
	log.Printf("stopped")
	return 0
}

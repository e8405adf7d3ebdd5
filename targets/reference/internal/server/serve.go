package server

import (
	"context"
	"crypto/tls"
	"errors"
	"log"
	"net"
	"net/http"
	"strconv"
	"time"

	"auth-gauntlet/reference/internal/vuln"
)

// Server is the resource service's HTTPS server (plus, with VULN
// plaintext_port, a plain HTTP server with the same handler on port+1).
type Server struct {
	tlsLn, plainLn net.Listener
	servers        []*http.Server
}

// Listen binds addr (and port+1 with plaintext_port); nothing is served yet.
func Listen(addr string, h http.Handler, tlsCfg *tls.Config, vs vuln.Set) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{tlsLn: ln}
	srv := newHTTPServer(h)
	srv.TLSConfig = tlsCfg
	s.servers = append(s.servers, srv)

	if vs.Has(vuln.PlaintextPort) {
		if s.plainLn, err = net.Listen("tcp", PlusOne(ln.Addr().String())); err != nil {
			ln.Close()
			return nil, err
		}
		s.servers = append(s.servers, newHTTPServer(h))
	}
	return s, nil
}

// Addr is the HTTPS address; PlainAddr the plain HTTP one ("" if none).
func (s *Server) Addr() string { return s.tlsLn.Addr().String() }

// PlainAddr returns the plain HTTP address, or "".
func (s *Server) PlainAddr() string {
	if s.plainLn == nil {
		return ""
	}
	return s.plainLn.Addr().String()
}

// Serve serves until ctx is done (then shuts down gracefully, 5 s at most)
// or a server fails.
func (s *Server) Serve(ctx context.Context) error {
	errc := make(chan error, len(s.servers))
	go func() { errc <- s.servers[0].ServeTLS(s.tlsLn, "", "") }()
	if s.plainLn != nil {
		go func() { errc <- s.servers[1].Serve(s.plainLn) }()
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, srv := range s.servers {
		if e := srv.Shutdown(sctx); e != nil && err == nil {
			err = e
		}
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.Default(),
	}
}

// PlusOne returns host:port+1.
func PlusOne(addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return net.JoinHostPort(host, strconv.Itoa(p+1))
}

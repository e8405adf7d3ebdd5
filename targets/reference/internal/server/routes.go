// Package server wires the HTTP handlers and the TLS configuration of the
// resource service, and holds the start and end every service command shares
// (run.go). The authorization server reuses those, Run and TLSConfig (its
// switch set never holds the transport switches).
package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"

	"auth-gauntlet/reference/internal/authn"
)

// Routes returns the resource service's handler.
func Routes(a authn.Auth) http.Handler {
	var orders atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok")
	})
	mux.Handle("GET /api/whoami", a.Authenticate(http.HandlerFunc(whoami)))
	mux.Handle("GET /api/orders", a.Authenticate(a.RequireScope("orders:read", http.HandlerFunc(
		func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusOK, map[string]any{"orders": []map[string]any{
				{"id": "ord-1001", "item": "widget", "qty": 2},
				{"id": "ord-1002", "item": "gadget", "qty": 1},
			}})
		}))))
	mux.Handle("POST /api/orders", a.Authenticate(a.RequireScope("orders:write", http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 64<<10))
			writeJSON(w, http.StatusCreated, map[string]any{"id": "ord-" + strconv.FormatInt(2000+orders.Add(1), 10), "status": "created"})
		}))))
	mux.Handle("GET /api/admin", a.Authenticate(a.RequireScope("admin", http.HandlerFunc(
		func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusOK, map[string]any{"admin": true})
		}))))
	return mux
}

func whoami(w http.ResponseWriter, r *http.Request) {
	id, ok := authn.FromContext(r.Context())
	if !ok {
		http.Error(w, "no identity", http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"sub": id.Subject, "client_id": id.ClientID, "scope": id.Scope()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

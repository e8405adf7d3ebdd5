package authn

import (
	"encoding/json"
	"net/http"
)

// Realm is the realm in WWW-Authenticate challenges.
const Realm = "reference"

// responder writes RFC 6750 §3 error responses. The body is a fixed generic
// JSON object unless leak is set (VULN error_leak).
type responder struct {
	noChallenge bool // VULN no_www_authenticate
	leak        bool // VULN error_leak
}

// missing: no credentials at all, so no error code (RFC 6750 §3.1).
func (r responder) missing(w http.ResponseWriter, cause error) {
	r.write(w, http.StatusUnauthorized, `Bearer realm="`+Realm+`"`, "unauthorized", cause)
}

func (r responder) invalidRequest(w http.ResponseWriter, cause error) {
	r.write(w, http.StatusBadRequest, `Bearer realm="`+Realm+`", error="invalid_request"`, "invalid_request", cause)
}

func (r responder) invalidToken(w http.ResponseWriter, cause error) {
	r.write(w, http.StatusUnauthorized, `Bearer realm="`+Realm+`", error="invalid_token"`, "invalid_token", cause)
}

func (r responder) insufficientScope(w http.ResponseWriter, scope string) {
	r.write(w, http.StatusForbidden, `Bearer realm="`+Realm+`", error="insufficient_scope", scope="`+scope+`"`, "insufficient_scope", nil)
}

func (r responder) write(w http.ResponseWriter, status int, challenge, code string, cause error) {
	h := w.Header()
	if !r.noChallenge {
		h.Set("WWW-Authenticate", challenge)
	}
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	body := map[string]string{"error": code}
	if r.leak && cause != nil {
		body["error_description"] = cause.Error()
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

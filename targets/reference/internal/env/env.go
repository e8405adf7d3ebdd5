// Package env reads a service's configuration from environment variables.
// A Reader collects every problem it meets, so a service can report them
// all together in one single-line error.
package env

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// Reader reads variables through getenv (os.Getenv in production) and
// collects the problems found in them.
type Reader struct {
	getenv func(string) string
	errs   []string
}

// New returns a Reader that reads through getenv.
func New(getenv func(string) string) *Reader { return &Reader{getenv: getenv} }

// Get returns variable k without surrounding white space ("" when unset).
func (r *Reader) Get(k string) string { return strings.TrimSpace(r.getenv(k)) }

// Or returns variable k, or def when it is empty.
func (r *Reader) Or(k, def string) string {
	if v := r.Get(k); v != "" {
		return v
	}
	return def
}

// Required returns variable k and records "k is required" when it is empty.
func (r *Reader) Required(k string) string {
	v := r.Get(k)
	if v == "" {
		r.Fail("%s is required", k)
	}
	return v
}

// Fail records a problem.
func (r *Reader) Fail(format string, a ...any) { r.errs = append(r.errs, fmt.Sprintf(format, a...)) }

// Failed reports whether a problem has been recorded.
func (r *Reader) Failed() bool { return len(r.errs) > 0 }

// Err returns nil, or every recorded problem in one line, joined by "; ".
func (r *Reader) Err() error {
	if len(r.errs) == 0 {
		return nil
	}
	return errors.New(strings.Join(r.errs, "; "))
}

// Seconds returns variable k, a whole number of seconds in lo..hi, def when
// empty. A problem is recorded (and 0 returned) when it is not.
func (r *Reader) Seconds(k string, def, lo, hi int) time.Duration {
	n := def
	if s := r.Get(k); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			r.Fail("%s: %q is not a whole number of seconds", k, s)
			return 0
		}
	}
	if n < lo || n > hi {
		r.Fail("%s: %d out of range %d..%d", k, n, lo, hi)
		return 0
	}
	return time.Duration(n) * time.Second
}

// CheckHostPort records a problem when v, the value of variable k, is set
// but not host:port with a port in 1..maxPort.
func (r *Reader) CheckHostPort(k, v string, maxPort int) {
	if v == "" {
		return
	}
	if _, port, err := net.SplitHostPort(v); err != nil {
		r.Fail("%s %q: %v", k, v, err)
	} else if p, err := strconv.Atoi(port); err != nil || p < 1 || p > maxPort {
		r.Fail("%s %q: port must be 1..%d", k, v, maxPort)
	}
}

package env

import (
	"testing"
	"time"
)

func reader(m map[string]string) *Reader {
	return New(func(k string) string { return m[k] })
}

func TestMessages(t *testing.T) {
	r := reader(map[string]string{
		"SPACES": "  v  ", "S_BAD": "1m", "S_HIGH": "61", "ADDR_NOPORT": "8443", "ADDR_HIGH": "h:65535",
	})
	if got := r.Get("SPACES"); got != "v" {
		t.Errorf("Get = %q", got)
	}
	if got := r.Or("UNSET", "def"); got != "def" {
		t.Errorf("Or = %q", got)
	}
	if r.Failed() || r.Err() != nil {
		t.Fatalf("failed before any problem: %v", r.Err())
	}
	if got := r.Required("SPACES"); got != "v" {
		t.Errorf("Required = %q", got)
	}
	r.Required("UNSET")
	if d := r.Seconds("UNSET", 30, 0, 60); d != 30*time.Second {
		t.Errorf("Seconds default = %v", d)
	}
	if d := r.Seconds("S_BAD", 30, 0, 60); d != 0 {
		t.Errorf("Seconds bad = %v", d)
	}
	r.Seconds("S_HIGH", 30, 0, 60)
	r.CheckHostPort("ADDR", "", 65534)
	r.CheckHostPort("ADDR", "h:65534", 65534)
	r.CheckHostPort("ADDR_NOPORT", "8443", 65535)
	r.CheckHostPort("ADDR_HIGH", "h:65535", 65534)
	r.Fail("X %d", 1)
	want := `UNSET is required; S_BAD: "1m" is not a whole number of seconds; S_HIGH: 61 out of range 0..60; ` +
		`ADDR_NOPORT "8443": address 8443: missing port in address; ADDR_HIGH "h:65535": port must be 1..65534; X 1`
	if !r.Failed() || r.Err() == nil || r.Err().Error() != want {
		t.Errorf("Err =\n%v\nwant\n%s", r.Err(), want)
	}
}

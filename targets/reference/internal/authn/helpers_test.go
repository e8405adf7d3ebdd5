package authn

import "testing"

func TestIsB64Token(t *testing.T) {
	for s, want := range map[string]bool{
		"eyJhbGciOi.eyJzdWIi.c2ln": true, "abc+/~-_.==": true, "": false, "==": false,
		"a b": false, "a,b": false, "a=b": false, "é": false,
	} {
		if got := isB64Token(s); got != want {
			t.Errorf("isB64Token(%q) = %v", s, got)
		}
	}
}

func TestTypMatch(t *testing.T) {
	for typ, want := range map[string]bool{
		"at+jwt": true, "AT+JWT": true, "application/at+jwt": true, "Application/At+Jwt": true,
		"JWT": false, "at+jwt ": false, "application/jwt": false,
	} {
		if got := normTyp(typ) == normTyp("at+jwt"); got != want {
			t.Errorf("typ %q matches = %v", typ, got)
		}
	}
}

func TestIsLocalURL(t *testing.T) {
	for u, want := range map[string]bool{
		"http://127.0.0.1:8080/jwks.json": true, "https://localhost/jwks": true, "http://[::1]:1/x": true,
		"https://example.com/jwks": false, "http://10.0.0.1/jwks": false, "file:///etc/passwd": false,
		"http://127.0.0.1.example.com/": false,
	} {
		if got := isLocalURL(u); got != want {
			t.Errorf("isLocalURL(%q) = %v", u, got)
		}
	}
}

func TestAudLoose(t *testing.T) {
	for _, c := range []struct {
		aud  []string
		want bool
	}{
		{[]string{"orders-api"}, true}, {[]string{"orders-api-staging"}, true}, {[]string{"orders"}, true},
		{[]string{"billing"}, false}, {nil, false},
	} {
		if got := audLoose(c.aud, "orders-api"); got != c.want {
			t.Errorf("audLoose(%v) = %v", c.aud, got)
		}
	}
}

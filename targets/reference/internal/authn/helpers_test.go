package authn

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"math/big"
	"strings"
	"testing"
)

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

func TestCheckDepth(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for s, want := range map[string]bool{
		`{}`: true, `{"a":` + deep(63) + `}`: true, `{"a":` + deep(64) + `}`: false,
		`{"a":"` + strings.Repeat("[", 100) + `"}`: true, `{"a":"\"` + strings.Repeat("{", 100) + `"}`: true,
		`{"a":"\\",` + `"b":` + deep(70) + `}`: false, deep(100000): false,
	} {
		if got := checkDepth([]byte(s), 64) == nil; got != want {
			t.Errorf("checkDepth(%.40q) ok = %v", s, got)
		}
	}
}

func TestLenientSignature(t *testing.T) {
	for in, want := range map[string]string{
		"h.p.ab+/cd==": "h.p.ab-_cd", "h.p.a!@$%b c": "h.p.abc", "h.p.abc": "h.p.abc", "nodot": "nodot",
		"h.p+/.x": "h.p+/.x",
	} {
		if got := lenientSignature(in); got != want {
			t.Errorf("lenientSignature(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFirstWins(t *testing.T) {
	m := firstWins([]byte(`{"iss":"a","x":{"iss":"c"},"iss":"b"}`))
	if string(m["iss"]) != `"a"` || string(m["x"]) != `{"iss":"c"}` {
		t.Errorf("firstWins = %s", m)
	}
}

func TestIssuerMatchesNormalized(t *testing.T) {
	for iss, want := range map[string]bool{
		"https://as.test": true, "HTTPS://AS.TEST/": true, "https://as.test/": true,
		"https://as.test//": false, "https://as.test ": false, "": false, "https://as.test.evil": false,
	} {
		if got := issuerMatchesNormalized(iss, "https://as.test"); got != want {
			t.Errorf("issuerMatchesNormalized(%q) = %v", iss, got)
		}
	}
}

func TestScopeLoose(t *testing.T) {
	for scope, want := range map[string]bool{
		"orders:read": true, "orders:read-only": true, "orders": true, "x orders": true,
		"orders:write": false, "admin": false, "": false,
	} {
		if got := scopeLoose(newIdentity("s", "c", scope, nil), "orders:read"); got != want {
			t.Errorf("scopeLoose(%q) = %v", scope, got)
		}
	}
}

// verifyJavaStyle is a full ECDSA verifier apart from the missing r, s >= 1
// check: real signatures verify, others do not, r = s = 0 does.
func TestVerifyJavaStyle(t *testing.T) {
	for _, curve := range []elliptic.Curve{elliptic.P256(), elliptic.P384()} {
		k, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		size := (curve.Params().BitSize + 7) / 8
		digest := make([]byte, size) // SHA-256 / SHA-384 length
		_, _ = rand.Read(digest)
		r, s, err := ecdsa.Sign(rand.Reader, k, digest)
		if err != nil {
			t.Fatal(err)
		}
		sig := append(r.FillBytes(make([]byte, size)), s.FillBytes(make([]byte, size))...)
		other := append([]byte{}, digest...)
		other[0] ^= 1
		one := make([]byte, 2*size)
		one[2*size-1] = 1
		n := new(big.Int).Set(curve.Params().N)
		rn := append(n.FillBytes(make([]byte, size)), sig[size:]...)
		for name, c := range map[string]struct {
			digest, sig []byte
			want        bool
		}{
			"valid": {digest, sig, true}, "other digest": {other, sig, false}, "r = s = 0": {other, make([]byte, 2*size), true},
			"r = 0, s = 1": {digest, one, false}, "r = n": {digest, rn, false}, "short": {digest, sig[1:], false},
		} {
			if got := verifyJavaStyle(&k.PublicKey, c.digest, c.sig); got != c.want {
				t.Errorf("%s %s: got %v", curve.Params().Name, name, got)
			}
		}
	}
}

package vuln

import (
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	s, err := Parse(" alg_none, skip_aud,,no_kid ")
	if err != nil {
		t.Fatal(err)
	}
	if !s.Has(AlgNone) || !s.Has(SkipAud) || s.Has(SkipIss) || s.Has(NoKid) {
		t.Fatalf("wrong set: %v", s.Active())
	}
	if got := s.Ignored(); !slices.Equal(got, []string{"no_kid"}) {
		t.Fatalf("ignored = %v", got)
	}
}

func TestParseFor(t *testing.T) {
	tests := []struct {
		name            string
		impl            []string
		list            string
		active, ignored []string
	}{
		{"resource", Resource, "weak_hmac_secret,no_kid,alg_none,grpc_no_jwt", []string{AlgNone, WeakHMACSecret}, []string{NoKid, "grpc_no_jwt"}},
		{"authserver", AuthServer, "weak_hmac_secret,no_kid,alg_none,grpc_no_jwt", []string{WeakHMACSecret, NoKid}, []string{AlgNone, "grpc_no_jwt"}},
		{"authserver, all", AuthServer, strings.Join(AuthServer, ","), AuthServer, nil},
		{"authserver, duplicates", AuthServer, "long_ttl,long_ttl,skip_exp,skip_exp", []string{LongTTL}, []string{SkipExp}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseFor(tt.impl, tt.list)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Active(); !slices.Equal(got, tt.active) {
				t.Errorf("active = %v, want %v", got, tt.active)
			}
			if got := s.Ignored(); !slices.Equal(got, tt.ignored) {
				t.Errorf("ignored = %v, want %v", got, tt.ignored)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	s, err := Parse("")
	if err != nil || len(s.Active()) != 0 {
		t.Fatalf("got %v, %v", s.Active(), err)
	}
	var zero Set
	if zero.Has(AlgNone) || len(zero.Active()) != 0 {
		t.Fatal("zero Set must have every switch off")
	}
}

func TestParseUnknown(t *testing.T) {
	for _, impl := range [][]string{Resource, AuthServer} {
		_, err := ParseFor(impl, "alg_none,alg_nonee")
		if err == nil {
			t.Fatal("want error")
		}
		for _, want := range []string{`"alg_nonee"`, "tutorial_middleware", "plaintext_port", "client_auth_skipped", "grpc_no_jwt"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %s", err, want)
			}
		}
	}
}

// Each list has no duplicates; Other shares no name with the services'
// lists (only weak_hmac_secret is in both Resource and AuthServer).
func TestLists(t *testing.T) {
	for name, list := range map[string][]string{"Resource": Resource, "AuthServer": AuthServer, "Other": Other} {
		seen := map[string]bool{}
		for _, n := range list {
			if seen[n] {
				t.Errorf("%s: duplicate switch %q", name, n)
			}
			seen[n] = true
		}
	}
	for _, n := range Other {
		if slices.Contains(Resource, n) || slices.Contains(AuthServer, n) {
			t.Errorf("Other lists %q, which a service implements", n)
		}
	}
	for _, n := range AuthServer {
		if slices.Contains(Resource, n) && n != WeakHMACSecret {
			t.Errorf("%q is in both Resource and AuthServer", n)
		}
	}
	if got, want := len(Known()), len(Resource)+len(AuthServer)+len(Other)-1; got != want {
		t.Errorf("Known() has %d names, want %d", got, want)
	}
}

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
	if !s.Has(AlgNone) || !s.Has(SkipAud) || s.Has(SkipIss) {
		t.Fatalf("wrong set: %v", s.Active())
	}
	if got := s.Ignored(); !slices.Equal(got, []string{"no_kid"}) {
		t.Fatalf("ignored = %v", got)
	}
}

func TestParseEmpty(t *testing.T) {
	s, err := Parse("")
	if err != nil || len(s.Active()) != 0 {
		t.Fatalf("got %v, %v", s.Active(), err)
	}
	var zero Set
	if zero.Has(AlgNone) {
		t.Fatal("zero Set must have every switch off")
	}
}

func TestParseUnknown(t *testing.T) {
	_, err := Parse("alg_none,alg_nonee")
	if err == nil {
		t.Fatal("want error")
	}
	for _, want := range []string{`"alg_nonee"`, "tutorial_middleware", "plaintext_port"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestNoDuplicates(t *testing.T) {
	all := append(slices.Clone(Resource), Other...)
	seen := map[string]bool{}
	for _, n := range all {
		if seen[n] {
			t.Errorf("duplicate switch %q", n)
		}
		seen[n] = true
	}
}

package jwks

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"auth-gauntlet/reference/internal/testkit"
)

func TestParseSetKeyTypes(t *testing.T) {
	rs := testkit.NewRSA(t, "rsa")
	p256 := testkit.NewEC(t, "p256", elliptic.P256(), "ES256")
	p384 := testkit.NewEC(t, "p384", elliptic.P384(), "ES384")
	ed := testkit.NewEd25519(t, "ed")
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	keys := []any{
		rs.JWK(true), p256.JWK(true), p384.JWK(true), ed.JWK(true), // "d" present: must be ignored
		map[string]any{"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
		map[string]any{"kty": "OKP", "kid": "x", "crv": "X25519", "x": "AAAA"},
		withUse(rs.JWK(false), "enc", "rsa-enc"),
		testkit.Signer{Kid: "small", Priv: small}.JWK(false),
		map[string]any{"kty": "EC", "kid": "bad", "crv": "P-256", "x": "AAAA", "y": "AAAA"},
	}
	doc, _ := json.Marshal(map[string]any{"keys": keys})
	set, err := ParseSet(doc)
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 4 {
		t.Fatalf("usable keys = %d, want 4", set.Len())
	}
	checks := []struct {
		kid  string
		alg  string
		want bool
	}{
		{"rsa", "RS256", true}, {"rsa", "PS256", true}, {"rsa", "ES256", false}, {"rsa", "HS256", false},
		{"p256", "ES256", true}, {"p256", "ES384", false}, {"p256", "RS256", false},
		{"p384", "ES384", true}, {"p384", "ES256", false},
		{"ed", "EdDSA", true}, {"ed", "ES256", false}, {"ed", "none", false},
	}
	for _, c := range checks {
		k, err := set.Lookup(c.kid)
		if err != nil {
			t.Fatalf("%s: %v", c.kid, err)
		}
		if got := k.Accepts(c.alg); got != c.want {
			t.Errorf("%s accepts %s = %v, want %v", c.kid, c.alg, got, c.want)
		}
	}
	k, _ := set.Lookup("rsa")
	if _, ok := k.Public.(*rsa.PublicKey); !ok {
		t.Errorf("rsa key is %T", k.Public)
	}
	k, _ = set.Lookup("p256")
	if _, ok := k.Public.(*ecdsa.PublicKey); !ok {
		t.Errorf("p256 key is %T", k.Public)
	}
	k, _ = set.Lookup("ed")
	if _, ok := k.Public.(ed25519.PublicKey); !ok {
		t.Errorf("ed key is %T", k.Public)
	}
	for _, kid := range []string{"hmac", "rsa-enc", "small", "bad", "x"} {
		if _, err := set.Lookup(kid); !errors.Is(err, ErrUnknownKid) {
			t.Errorf("%s: want ErrUnknownKid, got %v", kid, err)
		}
	}
}

func withUse(m map[string]any, use, kid string) map[string]any {
	m["use"], m["kid"] = use, kid
	return m
}

func TestKeyAlgMember(t *testing.T) {
	rs := testkit.NewRSA(t, "a")
	m := rs.JWK(false)
	m["alg"] = "PS256"
	b, _ := json.Marshal(m)
	k, err := ParseKey(b)
	if err != nil {
		t.Fatal(err)
	}
	if k.Accepts("RS256") || !k.Accepts("PS256") {
		t.Error(`JWK "alg" must restrict the key`)
	}
}

func TestLookupWithoutKid(t *testing.T) {
	one, _ := ParseSet(testkit.JWKS(testkit.NewEd25519(t, "a")))
	if _, err := one.Lookup(""); err != nil {
		t.Errorf("one key, no kid: %v", err)
	}
	two, _ := ParseSet(testkit.JWKS(testkit.NewEd25519(t, "a"), testkit.NewEd25519(t, "b")))
	if _, err := two.Lookup(""); !errors.Is(err, ErrKidRequired) {
		t.Errorf("two keys, no kid: %v", err)
	}
}

func TestForAlg(t *testing.T) {
	rs1, rs2 := testkit.NewRSA(t, "rs1"), testkit.NewRSA(t, "rs2")
	p256, p384 := testkit.NewEC(t, "p256", elliptic.P256(), "ES256"), testkit.NewEC(t, "p384", elliptic.P384(), "ES384")
	ed := testkit.NewEd25519(t, "ed")
	ps := rs2.JWK(false)
	ps["alg"] = "PS256"
	withAlg, _ := json.Marshal(map[string]any{"keys": []any{rs1.JWK(false), ps}})
	sets := map[string][]byte{
		"rsa, p256, ed":      testkit.JWKS(rs1, p256, ed),
		"two rsa":            testkit.JWKS(rs1, rs2, ed),
		"p256, p384":         testkit.JWKS(p256, p384),
		"rsa, rsa alg PS256": withAlg,
		"empty":              []byte(`{"keys":[]}`),
	}
	tests := []struct {
		set, alg, kid string
		err           error
	}{
		{"rsa, p256, ed", "RS256", "rs1", nil},
		{"rsa, p256, ed", "PS384", "rs1", nil},
		{"rsa, p256, ed", "ES256", "p256", nil},
		{"rsa, p256, ed", "EdDSA", "ed", nil},
		{"rsa, p256, ed", "ES384", "", ErrNoKeyForAlg},
		{"rsa, p256, ed", "HS256", "", ErrNoKeyForAlg},
		{"rsa, p256, ed", "none", "", ErrNoKeyForAlg},
		{"two rsa", "RS256", "", ErrKidRequired},
		{"two rsa", "EdDSA", "ed", nil},
		{"p256, p384", "ES256", "p256", nil},
		{"p256, p384", "ES384", "p384", nil},
		{"rsa, rsa alg PS256", "RS256", "rs1", nil},
		{"rsa, rsa alg PS256", "PS256", "", ErrKidRequired},
		{"empty", "RS256", "", ErrNoKeyForAlg},
	}
	for _, tt := range tests {
		set, err := ParseSet(sets[tt.set])
		if err != nil {
			t.Fatal(err)
		}
		k, err := set.ForAlg(tt.alg)
		if !errors.Is(err, tt.err) || k.ID != tt.kid {
			t.Errorf("%s, %s: got %q, %v; want %q, %v", tt.set, tt.alg, k.ID, err, tt.kid, tt.err)
		}
	}
}

func TestCacheKeyForAlg(t *testing.T) {
	a, b := testkit.NewEd25519(t, "a"), testkit.NewEd25519(t, "b")
	srv := testkit.NewJWKSServer(t, testkit.JWKS(a))
	c := NewCache(srv.JWKSURL(), Options{MinRefresh: time.Second, MaxAge: time.Minute})
	now := time.Now()
	c.now = func() time.Time { return now }
	ctx := context.Background()
	if k, err := c.KeyForAlg(ctx, "EdDSA"); err != nil || k.ID != "a" { // first use fetches
		t.Fatalf("got %q, %v", k.ID, err)
	}
	srv.Set(testkit.JWKS(a, b))
	if k, err := c.KeyForAlg(ctx, "EdDSA"); err != nil || k.ID != "a" {
		t.Errorf("fresh set: got %q, %v", k.ID, err)
	}
	if _, err := c.KeyForAlg(ctx, "RS256"); !errors.Is(err, ErrNoKeyForAlg) || c.Fetches() != 1 {
		t.Errorf("no fitting key: %v after %d fetches (a miss must not refetch a fresh set)", err, c.Fetches())
	}
	now = now.Add(2 * time.Minute) // stale: refetched, now ambiguous
	if _, err := c.KeyForAlg(ctx, "EdDSA"); !errors.Is(err, ErrKidRequired) {
		t.Errorf("two Ed25519 keys: %v", err)
	}
}

func TestParseSetRejectsNonSet(t *testing.T) {
	for _, doc := range []string{`[]`, `{}`, `{"keys":{}}`, `not json`} {
		if _, err := ParseSet([]byte(doc)); err == nil {
			t.Errorf("%s: want error", doc)
		}
	}
}

func TestCacheRefetchRateLimit(t *testing.T) {
	a, b := testkit.NewEd25519(t, "a"), testkit.NewEd25519(t, "b")
	srv := testkit.NewJWKSServer(t, testkit.JWKS(a))
	for _, unbounded := range []bool{false, true} {
		c := NewCache(srv.JWKSURL(), Options{MinRefresh: 10 * time.Second, Unbounded: unbounded})
		now := time.Now()
		c.now = func() time.Time { return now }
		ctx := context.Background()
		if err := c.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		start := c.Fetches()
		for range 5 {
			if _, err := c.Key(ctx, "unknown"); !errors.Is(err, ErrUnknownKid) {
				t.Fatalf("unknown kid: %v", err)
			}
		}
		got := c.Fetches() - start
		if want := map[bool]int64{false: 1, true: 5}[unbounded]; got != want {
			t.Errorf("unbounded=%v: %d refetches for 5 unknown kids, want %d", unbounded, got, want)
		}
		if _, err := c.Key(ctx, "a"); err != nil {
			t.Errorf("known kid: %v", err)
		}

		// Rotation: the new key is found once the interval has passed.
		srv.Set(testkit.JWKS(a, b))
		now = now.Add(11 * time.Second)
		if _, err := c.Key(ctx, "b"); err != nil {
			t.Errorf("rotated kid after interval: %v", err)
		}
		srv.Set(testkit.JWKS(a))
	}
}

func TestCacheKeepsOldSetWhenRefetchFails(t *testing.T) {
	a := testkit.NewEd25519(t, "a")
	srv := testkit.NewJWKSServer(t, testkit.JWKS(a))
	c := NewCache(srv.JWKSURL(), Options{MinRefresh: time.Second, MaxAge: time.Minute})
	now := time.Now()
	c.now = func() time.Time { return now }
	if err := c.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv.Set([]byte("broken"))
	now = now.Add(2 * time.Minute) // stale
	if _, err := c.Key(context.Background(), "a"); err != nil {
		t.Fatalf("stale set must still serve known keys when refetch fails: %v", err)
	}
}

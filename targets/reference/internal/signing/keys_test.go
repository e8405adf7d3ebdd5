package signing

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"auth-gauntlet/reference/internal/jwks"
	"auth-gauntlet/reference/internal/testkit"
)

var (
	once             sync.Once
	rsaKey, smallRSA *rsa.PrivateKey
	p256Key, p384Key *ecdsa.PrivateKey
	edKey            ed25519.PrivateKey
)

func genKeys(t *testing.T) {
	once.Do(func() {
		rsaKey, _ = rsa.GenerateKey(rand.Reader, 2048)
		smallRSA, _ = rsa.GenerateKey(rand.Reader, 1024)
		p256Key, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		p384Key, _ = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		_, edKey, _ = ed25519.GenerateKey(rand.Reader)
	})
}

// entry is testkit.SigningKey, short enough for unkeyed table literals.
type entry struct{ Kid, Alg, PEM string }

func doc(entries ...entry) []byte {
	keys := make([]testkit.SigningKey, len(entries))
	for i, e := range entries {
		keys[i] = testkit.SigningKey(e)
	}
	return testkit.SigningKeysJSON(keys...)
}

func TestParseKeys(t *testing.T) {
	genKeys(t)
	good := []entry{{"k1", "RS256", testkit.PKCS8PEM(t, rsaKey)}, {"k2", "ES256", testkit.PKCS8PEM(t, p256Key)}, {"k3", "EdDSA", testkit.PKCS8PEM(t, edKey)}}
	keys, err := ParseKeys(doc(good...))
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{keys[0].ID + keys[0].Alg, keys[1].ID + keys[1].Alg, keys[2].ID + keys[2].Alg}; !slices.Equal(got, []string{"k1RS256", "k2ES256", "k3EdDSA"}) {
		t.Errorf("keys = %v", got)
	}
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}))
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"not JSON":          {[]byte(`{`), "not a JSON"},
		"no keys":           {[]byte(`{"keys":[]}`), "no key"},
		"empty kid":         {doc(entry{"", "RS256", testkit.PKCS8PEM(t, rsaKey)}), "empty kid"},
		"duplicate kid":     {doc(good[0], entry{"k1", "ES256", testkit.PKCS8PEM(t, p256Key)}), "duplicate kid"},
		"not PEM":           {doc(entry{"k", "RS256", "MIIB"}), "no PEM block"},
		"PKCS#1":            {doc(entry{"k", "RS256", pkcs1}), "PKCS#8"},
		"RSA as ES256":      {doc(entry{"k", "ES256", testkit.PKCS8PEM(t, rsaKey)}), "RSA key cannot sign ES256"},
		"P-384 as ES256":    {doc(entry{"k", "ES256", testkit.PKCS8PEM(t, p384Key)}), "P-384 key cannot sign ES256"},
		"Ed25519 as RS256":  {doc(entry{"k", "RS256", testkit.PKCS8PEM(t, edKey)}), "Ed25519 key cannot sign RS256"},
		"RSA 1024":          {doc(entry{"k", "RS256", testkit.PKCS8PEM(t, smallRSA)}), "1024 bits"},
		"HS256":             {doc(entry{"k", "HS256", testkit.PKCS8PEM(t, rsaKey)}), `alg "HS256" not supported`},
		"PS256 unsupported": {doc(entry{"k", "PS256", testkit.PKCS8PEM(t, rsaKey)}), `alg "PS256" not supported`},
	} {
		if _, err := ParseKeys(c.data); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to mention %q", name, err, c.want)
		}
	}
}

// The published JWKS parses with the resource service's jwks package, and
// each key verifies what the private half signed.
func TestJWKSRoundTrip(t *testing.T) {
	genKeys(t)
	keys := []Key{{"k1", "RS256", rsaKey}, {"k2", "ES256", p256Key}, {"k3", "EdDSA", edKey}}
	set, err := jwks.ParseSet(JWKS(keys, false))
	if err != nil || set.Len() != 3 {
		t.Fatalf("ParseSet: %d keys, %v", set.Len(), err)
	}
	for _, k := range keys {
		pub, err := set.Lookup(k.ID)
		if err != nil || !pub.Accepts(k.Alg) || pub.Alg != k.Alg {
			t.Fatalf("%s: %+v, %v", k.ID, pub, err)
		}
		tok, err := jwt.NewWithClaims(k.Method(), jwt.MapClaims{"sub": "x"}).SignedString(k.Private)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return pub.Public, nil }); err != nil {
			t.Errorf("%s: %v", k.ID, err)
		}
	}
}

func TestJWKMembers(t *testing.T) {
	genKeys(t)
	tests := []struct {
		key             Key
		public, private []string
	}{
		{Key{"k1", "RS256", rsaKey}, []string{"alg", "e", "kid", "kty", "n", "use"}, []string{"d", "dp", "dq", "p", "q", "qi"}},
		{Key{"k2", "ES256", p256Key}, []string{"alg", "crv", "kid", "kty", "use", "x", "y"}, []string{"d"}},
		{Key{"k3", "EdDSA", edKey}, []string{"alg", "crv", "kid", "kty", "use", "x"}, []string{"d"}},
	}
	for _, tt := range tests {
		pub := tt.key.JWK(false)
		if got := slices.Sorted(maps.Keys(pub)); !slices.Equal(got, tt.public) {
			t.Errorf("%s public members %v, want %v", tt.key.ID, got, tt.public)
		}
		if pub["use"] != "sig" || pub["alg"] != tt.key.Alg || pub["kid"] != tt.key.ID {
			t.Errorf("%s: %v", tt.key.ID, pub)
		}
		priv := tt.key.JWK(true)
		if got, want := slices.Sorted(maps.Keys(priv)), slices.Sorted(slices.Values(slices.Concat(tt.public, tt.private))); !slices.Equal(got, want) {
			t.Errorf("%s leaked members %v, want %v", tt.key.ID, got, want)
		}
	}
	// The leaked RSA members are the real ones: the key can be rebuilt.
	m := Key{"k1", "RS256", rsaKey}.JWK(true)
	if m["d"] != b64.EncodeToString(rsaKey.D.Bytes()) || m["qi"] != b64.EncodeToString(rsaKey.Precomputed.Qinv.Bytes()) ||
		m["dp"] != b64.EncodeToString(rsaKey.Precomputed.Dp.Bytes()) {
		t.Error("RSA private members do not match the key")
	}
	if d, _ := p256Key.Bytes(); (Key{"k2", "ES256", p256Key}).JWK(true)["d"] != b64.EncodeToString(d) {
		t.Error("EC d does not match")
	}
	if (Key{"k3", "EdDSA", edKey}).JWK(true)["d"] != b64.EncodeToString(edKey.Seed()) {
		t.Error("OKP d does not match")
	}
}

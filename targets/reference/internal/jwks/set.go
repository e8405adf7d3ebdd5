package jwks

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// maxBody bounds the size of a fetched JWKS document.
const maxBody = 1 << 20

var (
	// ErrUnknownKid: no key with the token's kid.
	ErrUnknownKid = errors.New("jwks: unknown kid")
	// ErrKidRequired: the token has no kid and the set holds more than one
	// key (Lookup) or more than one key that fits its alg (ForAlg).
	ErrKidRequired = errors.New("jwks: token has no kid and the key set has more than one candidate key")
	// ErrNoKeyForAlg: the token has no kid and no key fits its alg.
	ErrNoKeyForAlg = errors.New("jwks: token has no kid and no key fits its alg")
)

// Set is an immutable, parsed JWKS.
type Set struct {
	keys []Key
	byID map[string]Key
}

// ParseSet parses a JWKS document. Keys that are malformed or unsupported are
// skipped; the document itself must be a JSON object with a "keys" array.
// When two keys share a kid, the first one wins.
func ParseSet(data []byte) (*Set, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	if doc.Keys == nil {
		return nil, errors.New(`jwks: no "keys" array`)
	}
	s := &Set{byID: map[string]Key{}}
	for _, raw := range doc.Keys {
		k, err := ParseKey(raw)
		if err != nil {
			continue
		}
		if k.ID != "" {
			if _, dup := s.byID[k.ID]; dup {
				continue
			}
			s.byID[k.ID] = k
		}
		s.keys = append(s.keys, k)
	}
	return s, nil
}

// Len returns the number of usable keys.
func (s *Set) Len() int { return len(s.keys) }

// Lookup finds the key for kid. An empty kid selects the only key of a
// one-key set and nothing otherwise.
func (s *Set) Lookup(kid string) (Key, error) {
	if kid == "" {
		if len(s.keys) == 1 {
			return s.keys[0], nil
		}
		return Key{}, ErrKidRequired
	}
	if k, ok := s.byID[kid]; ok {
		return k, nil
	}
	return Key{}, ErrUnknownKid
}

// ForAlg selects the key for a token without kid (RFC 7517 §4.5: kid is
// optional): the one key of the set that fits alg (Key.Accepts, so the
// JWK's own "alg" member counts). Several such keys are ambiguous and
// refused with ErrKidRequired; none gives ErrNoKeyForAlg.
func (s *Set) ForAlg(alg string) (Key, error) {
	var found []Key
	for _, k := range s.keys {
		if k.Accepts(alg) {
			found = append(found, k)
		}
	}
	switch len(found) {
	case 0:
		return Key{}, ErrNoKeyForAlg
	case 1:
		return found[0], nil
	}
	return Key{}, ErrKidRequired
}

// FirstRSA returns the first RSA key of the set.
func (s *Set) FirstRSA() (*rsa.PublicKey, bool) {
	for _, k := range s.keys {
		if pub, ok := k.Public.(*rsa.PublicKey); ok {
			return pub, true
		}
	}
	return nil, false
}

// Fetch downloads and parses the JWKS at url.
func Fetch(ctx context.Context, client *http.Client, url string) (*Set, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("jwks: fetch: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("jwks: fetch %s: status %d", url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("jwks: read: %w", err)
	}
	if len(body) > maxBody {
		return nil, errors.New("jwks: document too large")
	}
	return ParseSet(body)
}

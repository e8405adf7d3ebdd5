package authn

// This file holds the code paths of the VULN switches that touch token
// parsing and claim comparison. Each is written the way a real service gets
// it wrong; none of them runs unless its switch is on.

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// lenientSignature is VULN lenient_base64: the signature segment goes
// through a forgiving decoder, as Node's Buffer.from(s, "base64") does:
// both alphabets, "=" padding and any stray character are accepted. It is
// written as a clean-up in front of the strict parser: "+/" become "-_",
// everything outside the base64url alphabet is dropped.
func lenientSignature(raw string) string {
	i := strings.LastIndexByte(raw, '.')
	if i < 0 {
		return raw
	}
	sig := strings.Map(func(r rune) rune {
		switch {
		case r == '+':
			return '-'
		case r == '/':
			return '_'
		case 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '-', r == '_':
			return r
		}
		return -1
	}, raw[i+1:])
	return raw[:i+1] + sig
}

// isPrintableToken is the bearer check that goes with lenient_base64: any
// printable ASCII ("the decoder cleans it up anyway").
func isPrintableToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < ' ' || c > '~' {
			return false
		}
	}
	return true
}

// firstObject is VULN payload_not_object: "some issuers wrap the claims in
// an array", so the first element that is an object is taken as the claims.
func firstObject(payload []byte) []byte {
	var elems []json.RawMessage
	if json.Unmarshal(payload, &elems) != nil {
		return nil
	}
	for _, e := range elems {
		if isObject(e) {
			return e
		}
	}
	return nil
}

// firstWins is VULN dup_keys_first_wins: a hand-rolled streaming decoder
// that keeps the first value of a member given twice. obj has been checked
// to be a valid JSON object.
func firstWins(obj []byte) map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	dec := json.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.Token(); err != nil { // "{"
		return m
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return m
		}
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return m
		}
		if name, _ := t.(string); !hasKey(m, name) {
			m[name] = val
		}
	}
	return m
}

func hasKey(m map[string]json.RawMessage, k string) bool { _, ok := m[k]; return ok }

// issuerMatchesArray is VULN iss_array: "iss" may be an array, like "aud".
func issuerMatchesArray(issuers []string, expected string) bool {
	return slices.Contains(issuers, expected)
}

// issuerMatchesNormalized is VULN iss_normalized: "issuer URLs differ only
// in case and trailing slashes between our IdPs".
func issuerMatchesNormalized(iss, expected string) bool {
	norm := func(s string) string { return strings.ToLower(strings.TrimSuffix(s, "/")) }
	return iss != "" && norm(iss) == norm(expected)
}

// scopeLoose is VULN scope_prefix: the scope check as a substring search,
// "so that orders:read-only and the umbrella scope orders work too".
func scopeLoose(id *Identity, needed string) bool {
	if strings.Contains(id.Scope(), needed) {
		return true
	}
	for _, s := range id.Scopes {
		if strings.HasPrefix(needed, s) {
			return true
		}
	}
	return false
}

package authn

// Token parsing: the compact serialisation is split and its header and
// payload decoded here, before any key is looked up, with hard limits so a
// hostile token costs little. The payload is decoded by decodeClaims, not by
// the jwt library, so that the JSON type of every registered claim is checked
// (encoding/json would take "exp":"9999999999" as a number).

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"auth-gauntlet/reference/internal/vuln"
)

const (
	maxSegmentBytes = 8 << 10 // decoded header or payload
	maxJSONDepth    = 64
)

var (
	errClaimType = errors.New("registered claim has the wrong JSON type")
	errTooDeep   = errors.New("JSON nested too deeply")
)

// segments are the decoded header and payload of a compact JWS.
type segments struct {
	header, payload []byte
}

// splitToken checks the shape of raw (three segments; header and payload
// base64url, at most 8 KiB, valid JSON nested at most 64 deep) and returns
// the decoded header and payload. Every error wraps jwt.ErrTokenMalformed.
func splitToken(raw string) (segments, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return segments{}, fmt.Errorf("%w: %d segments", jwt.ErrTokenMalformed, len(parts))
	}
	var s segments
	var err error
	if s.header, err = decodeSegment("header", parts[0]); err != nil {
		return segments{}, err
	}
	if s.payload, err = decodeSegment("payload", parts[1]); err != nil {
		return segments{}, err
	}
	return s, nil
}

func decodeSegment(name, seg string) ([]byte, error) {
	if base64.RawURLEncoding.DecodedLen(len(seg)) > maxSegmentBytes {
		return nil, fmt.Errorf("%w: %s larger than %d bytes", jwt.ErrTokenMalformed, name, maxSegmentBytes)
	}
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", jwt.ErrTokenMalformed, name, err)
	}
	if err := checkDepth(b, maxJSONDepth); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", jwt.ErrTokenMalformed, name, err)
	}
	if !json.Valid(b) {
		return nil, fmt.Errorf("%w: %s is not JSON", jwt.ErrTokenMalformed, name)
	}
	return b, nil
}

// checkDepth fails as soon as arrays and objects in b nest deeper than max.
// It only counts brackets outside strings; json.Valid checks the rest.
func checkDepth(b []byte, max int) error {
	depth, inString, escaped := 0, false, false
	for _, c := range b {
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case inString:
			inString = c != '"'
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if depth++; depth > max {
				return errTooDeep
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

// opaqueClaims lets the jwt library verify the signature while leaving the
// payload to decodeClaims.
type opaqueClaims struct{ jwt.RegisteredClaims }

func (*opaqueClaims) UnmarshalJSON([]byte) error { return nil }

// claimType checks the JSON type of each registered claim (RFC 7519 §4.1).
var claimType = map[string]func(json.RawMessage) bool{
	"iss": isString, "sub": isString, "jti": isString,
	"aud": func(m json.RawMessage) bool { var a []string; return isString(m) || json.Unmarshal(m, &a) == nil },
	"exp": isNumber, "nbf": isNumber, "iat": isNumber,
}

func isString(m json.RawMessage) bool { return len(m) > 0 && m[0] == '"' }
func isNumber(m json.RawMessage) bool {
	return len(m) > 0 && (m[0] == '-' || '0' <= m[0] && m[0] <= '9')
}

// decodeClaims decodes the payload, which must be a JSON object whose
// registered claims have their RFC 7519 types. A member given twice takes
// its last value, as encoding/json does (RFC 7515 §5.2 allows that).
func (v *Verifier) decodeClaims(payload []byte) (*Claims, error) {
	obj := payload
	if !isObject(obj) {
		if !v.vuln.Has(vuln.PayloadNotObject) {
			return nil, errNotObject
		}
		if obj = firstObject(payload); obj == nil { // VULN payload_not_object
			return nil, errNotObject
		}
	}
	var members map[string]json.RawMessage
	if v.vuln.Has(vuln.DupKeysFirstWins) {
		members = firstWins(obj) // VULN dup_keys_first_wins
	} else if err := json.Unmarshal(obj, &members); err != nil {
		return nil, err
	}

	c := &Claims{}
	for name, typeOK := range claimType {
		m, found := members[name]
		if !found || typeOK(m) {
			continue
		}
		switch {
		case name == "iss" && v.vuln.Has(vuln.IssArray) && json.Unmarshal(m, &c.issuers) == nil:
			delete(members, name) // VULN iss_array
		case v.vuln.Has(vuln.ClaimTypesLenient):
			c.ignored = append(c.ignored, name) // VULN claim_types_lenient
			delete(members, name)
		default:
			return nil, fmt.Errorf("%w: %q", errClaimType, name)
		}
	}
	b, err := json.Marshal(members)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("%w: %w", errClaimType, err)
	}
	return c, nil
}

// isObject reports whether the JSON text b is an object.
func isObject(b []byte) bool {
	s := strings.TrimLeft(string(b), " \t\r\n")
	return strings.HasPrefix(s, "{")
}

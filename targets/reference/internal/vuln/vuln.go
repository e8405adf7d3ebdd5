// Package vuln parses the VULN switch list: named, deliberate mistakes that
// the reference system can be told to make so the harness can prove that its
// attacks detect them. With no switch on, every code path is the secure one.
package vuln

import (
	"fmt"
	"slices"
	"strings"
)

// Switches implemented by the resource service (HTTP part).
const (
	// signature
	AlgNone          = "alg_none"
	AlgConfusion     = "alg_confusion"
	NoSignatureCheck = "no_signature_check"
	EmbeddedJWK      = "embedded_jwk"
	JKUFollow        = "jku_follow"
	X5CTrust         = "x5c_trust"
	KidInjection     = "kid_injection"
	CritIgnored      = "crit_ignored"
	NoAlgAllowlist   = "no_alg_allowlist"
	PsychicSignature = "psychic_signature"
	ECDSADERAccepted = "ecdsa_der_accepted"
	LenientBase64    = "lenient_base64"
	// token parsing
	PayloadNotObject  = "payload_not_object"
	ClaimTypesLenient = "claim_types_lenient"
	DupKeysFirstWins  = "dup_keys_first_wins"
	Malformed500      = "malformed_500"
	// claims
	SkipExp       = "skip_exp"
	SkipNbf       = "skip_nbf"
	HugeLeeway    = "huge_leeway"
	SkipIss       = "skip_iss"
	IssArray      = "iss_array"
	IssNormalized = "iss_normalized"
	SkipAud       = "skip_aud"
	AudSubstring  = "aud_substring"
	SkipTyp       = "skip_typ"
	ScopeIgnored  = "scope_ignored"
	ScopePrefix   = "scope_prefix"
	// lifecycle
	NoRevocationCheck    = "no_revocation_check"
	RevocationFailOpen   = "revocation_fail_open"
	JWKSRefetchUnbounded = "jwks_refetch_unbounded"
	// HTTP surface
	BearerQuery       = "bearer_query"
	ErrorLeak         = "error_leak"
	NoWWWAuthenticate = "no_www_authenticate"
	// BearerCaseSensitive: only the exact scheme "Bearer" is understood (RFC 7235 §2.1 says case-insensitive).
	BearerCaseSensitive = "bearer_case_sensitive"
	// AuthHeaderFirst: with several Authorization headers, the first is used instead of refusing the request.
	AuthHeaderFirst = "auth_header_first"
	// whole pattern
	TutorialMiddleware = "tutorial_middleware"
	// transport
	TLS10         = "tls10"
	WeakCiphers   = "weak_ciphers"
	PlaintextPort = "plaintext_port"
)

// Switches implemented by the authorization server. WeakHMACSecret is also
// a resource-service switch (a symmetric deployment sharing the secret).
const (
	// issuer hygiene
	WeakHMACSecret  = "weak_hmac_secret"
	LongTTL         = "long_ttl"
	SensitiveClaims = "sensitive_claims"
	JWKSPrivateLeak = "jwks_private_leak"
	NoKid           = "no_kid"
	// lifecycle
	RevokeNoop = "revoke_noop"
	// OAuth2 flows
	ScopeEscalation   = "scope_escalation"
	ClientAuthSkipped = "client_auth_skipped"
)

// Resource lists the switches the resource service implements.
var Resource = []string{
	AlgNone, AlgConfusion, NoSignatureCheck, EmbeddedJWK, JKUFollow, X5CTrust, KidInjection, CritIgnored,
	NoAlgAllowlist, PsychicSignature, ECDSADERAccepted, LenientBase64, WeakHMACSecret,
	PayloadNotObject, ClaimTypesLenient, DupKeysFirstWins, Malformed500,
	SkipExp, SkipNbf, HugeLeeway, SkipIss, IssArray, IssNormalized, SkipAud, AudSubstring, SkipTyp, ScopeIgnored, ScopePrefix,
	NoRevocationCheck, RevocationFailOpen, JWKSRefetchUnbounded,
	BearerQuery, ErrorLeak, NoWWWAuthenticate, BearerCaseSensitive, AuthHeaderFirst,
	TutorialMiddleware,
	TLS10, WeakCiphers, PlaintextPort,
}

// AuthServer lists the switches the authorization server implements.
var AuthServer = []string{
	WeakHMACSecret, LongTTL, SensitiveClaims, JWKSPrivateLeak, NoKid,
	RevokeNoop,
	ScopeEscalation, ClientAuthSkipped,
}

// Other lists switches that belong to parts of the reference system not
// built yet (authorization-code and refresh flows, key rotation, gRPC). Every
// service accepts them, and the names of the other services' switches, so
// one VULN value can be handed to every service, but ignores them.
var Other = []string{
	"old_key_never_retired", "refresh_no_rotation", "refresh_reuse_undetected",
	"pkce_optional", "pkce_plain", "redirect_prefix_match", "code_reuse",
	"mtls_optional", "mtls_any_ca", "mtls_expired_ok", "mtls_no_identity_authz", "grpc_no_jwt",
}

// Known returns every switch name, each once: Resource, AuthServer, Other.
func Known() []string {
	var all []string
	for _, n := range slices.Concat(Resource, AuthServer, Other) {
		if !slices.Contains(all, n) {
			all = append(all, n)
		}
	}
	return all
}

// Set is the set of active switches. The zero value has every switch off.
type Set struct {
	impl    []string // the switches the service implements, in catalog order
	on      map[string]bool
	ignored []string
}

// Parse parses a comma-separated list of switch names for the resource
// service (ParseFor with Resource).
func Parse(list string) (Set, error) { return ParseFor(Resource, list) }

// ParseFor parses a comma-separated list of switch names for a service that
// implements the switches in impl. Blank entries are skipped; a known name
// outside impl is recorded as ignored; an unknown name is an error that
// lists the known names.
func ParseFor(impl []string, list string) (Set, error) {
	s := Set{impl: impl, on: map[string]bool{}}
	known := Known()
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "":
		case slices.Contains(impl, name):
			s.on[name] = true
		case slices.Contains(known, name):
			if !slices.Contains(s.ignored, name) {
				s.ignored = append(s.ignored, name)
			}
		default:
			return Set{}, fmt.Errorf("unknown VULN switch %q; known: %s", name, strings.Join(known, ","))
		}
	}
	return s, nil
}

// MustParse is Parse for tests and constants; it panics on error.
func MustParse(list string) Set { return MustParseFor(Resource, list) }

// MustParseFor is ParseFor for tests and constants; it panics on error.
func MustParseFor(impl []string, list string) Set {
	s, err := ParseFor(impl, list)
	if err != nil {
		panic(err)
	}
	return s
}

// Has reports whether the named switch is on.
func (s Set) Has(name string) bool { return s.on[name] }

// Active returns the active switch names in catalog order.
func (s Set) Active() []string {
	var names []string
	for _, n := range s.impl {
		if s.on[n] {
			names = append(names, n)
		}
	}
	return names
}

// Ignored returns the names that were given but do not apply to this service.
func (s Set) Ignored() []string { return slices.Clone(s.ignored) }

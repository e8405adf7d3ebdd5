package vuln

// WeakHMACKey is the HMAC secret of VULN weak_hmac_secret: the
// authorization server signs access tokens HS256 with this dictionary word
// and the resource service verifies HS256 tokens with it. (Kept out of
// vuln.go, whose string constants are exactly the switch names.)
const WeakHMACKey = "changeme"

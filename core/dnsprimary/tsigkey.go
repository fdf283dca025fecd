package dnsprimary

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/miekg/dns"
)

// tsigAlgorithms maps the algorithm names of the configuration to their
// names on the wire and the size of their MACs in octets.
var tsigAlgorithms = map[string]struct {
	wire string
	size int
}{
	"hmac-sha1":   {dns.HmacSHA1, 20},
	"hmac-sha224": {dns.HmacSHA224, 28},
	"hmac-sha256": {dns.HmacSHA256, 32},
	"hmac-sha384": {dns.HmacSHA384, 48},
	"hmac-sha512": {dns.HmacSHA512, 64},
}

// tsigKey is a validated key: canonical name and algorithm, raw secret.
type tsigKey struct {
	name      string // canonical fqdn
	algorithm string // canonical fqdn, one of the dns.Hmac* names
	secret    []byte
	// minMAC is the fewest octets of a MAC that is taken (RFC 8945
	// section 5.2.2.1): the whole MAC unless the key is truncated.
	minMAC int
}

func (k *TSIGKey) validate() (*tsigKey, error) {
	name := dns.CanonicalName(k.Name)
	if _, ok := dns.IsDomainName(name); !ok || k.Name == "" || name == "." {
		return nil, fmt.Errorf("key name %q is not a domain name", k.Name)
	}
	alg, minMAC, err := parseTSIGAlgorithm(k.Algorithm)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", k.Name, err)
	}
	secret, err := base64.StdEncoding.DecodeString(k.Secret)
	if err != nil || len(secret) == 0 {
		return nil, fmt.Errorf("key %s: secret is not non-empty base64", k.Name)
	}
	return &tsigKey{name: name, algorithm: alg, secret: secret, minMAC: minMAC}, nil
}

// parseTSIGAlgorithm returns the wire name of the algorithm s names and
// the fewest octets of a MAC it takes: hmac-sha256-128 takes 16, down to
// half the hash and 10 octets, as RFC 8945 section 5.2.2.1 and BIND allow.
func parseTSIGAlgorithm(s string) (string, int, error) {
	name := strings.TrimSuffix(strings.ToLower(s), ".")
	if name == "" {
		name = DefaultTSIGAlgorithm
	}
	if a, ok := tsigAlgorithms[name]; ok {
		return a.wire, a.size, nil
	}
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		a, ok := tsigAlgorithms[name[:i]]
		bits, err := strconv.Atoi(name[i+1:])
		if ok && err == nil && bits%8 == 0 && bits/8 <= a.size && bits/8 >= max(10, a.size/2) {
			return a.wire, bits / 8, nil
		}
		if ok && err == nil {
			return "", 0, fmt.Errorf("algorithm %q: a MAC of %s may be truncated to a multiple of 8 bits from %d to %d", s, name[:i], 8*max(10, a.size/2), 8*a.size)
		}
	}
	return "", 0, fmt.Errorf("algorithm %q is not one of hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384, hmac-sha512, or one of them truncated (hmac-sha256-128)", s)
}

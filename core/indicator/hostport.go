package indicator

import (
	"net/netip"
	"strconv"
	"strings"
)

// stripIPPort returns the address part of s when s is an address followed
// by a port, the way MISP ip-src/ip-dst values often carry one:
// "[2001:db8::1]:443" gives "2001:db8::1", "198.51.100.7:8080" and
// "198.51.100.7::8080" give "198.51.100.7". A bracketed value with
// anything but a port or a prefix length after it, or a port that is not
// 1-65535, is malformed. Any other s is returned as is (an unbracketed
// IPv6 address cannot carry a port: "2001:db8::1:443" is an address).
func stripIPPort(s string) (string, error) {
	if len(s) > 0 && s[0] == '[' {
		i := strings.IndexByte(s, ']')
		if i < 0 {
			return "", ErrSyntax
		}
		addr, rest := s[1:i], s[i+1:]
		switch {
		case rest == "", rest[0] == '/':
			return addr + rest, nil
		case rest[0] == ':' && validPort(rest[1:]):
			if strings.IndexByte(addr, '/') >= 0 {
				return "", ErrSyntax
			}
			return addr, nil
		}
		return "", ErrSyntax
	}
	i := strings.IndexByte(s, ':')
	if i <= 0 || strings.IndexByte(s[:i], '.') < 0 {
		return s, nil
	}
	host, port := s[:i], strings.TrimPrefix(s[i+1:], ":")
	if _, err := netip.ParseAddr(host); err != nil || !validPort(port) {
		return "", ErrSyntax
	}
	return host, nil
}

// validPort reports whether p is a decimal port 1-65535 (no sign).
func validPort(p string) bool {
	if p == "" || p[0] < '0' || p[0] > '9' {
		return false
	}
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535
}

// stripNamePort removes a ":port" suffix from a host name
// ("c2.evil.example:8080" gives "c2.evil.example"); a ':' followed by
// anything but a port is left for CanonicalName to refuse.
func stripNamePort(s string) string {
	i := strings.LastIndexByte(s, ':')
	if i > 0 && validPort(s[i+1:]) && strings.IndexByte(s[:i], ':') < 0 {
		return s[:i]
	}
	return s
}

// CanonicalHost returns the canonical name of a MISP domain or hostname
// value: surrounding space, defanging and a ":port" suffix removed, and a
// leading wildcard label "*." or a leading dot removed, so
// "*.evil.example" and ".evil.example" give "evil.example" (a Domain
// indicator already means the name and every subdomain). See
// CanonicalName for the rest.
func CanonicalHost(s string) (string, error) {
	s = stripNamePort(Refang(strings.TrimSpace(s)))
	if rest, ok := strings.CutPrefix(s, "*."); ok {
		s = rest
	} else {
		s = strings.TrimPrefix(s, ".")
	}
	return CanonicalName(s)
}

package auth

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Claims is what a legacy token carries: where the site's MISP is, the MISP
// API key to use there, and the last day the token is valid for.
type Claims struct {
	Proto   string // "http" or "https"
	Port    int    // 1-65535
	Host    string // DNS name or IP literal; IPv6 without brackets
	Key     string // MISP API key, 40-72 ASCII letters and digits
	Expires string // YYYY-MM-DD; see Codec.Verify for when the token stops working
}

// BaseURL returns the MISP base URL, "proto://host:port" with no trailing
// slash, bracketing an IPv6 host.
func (c Claims) BaseURL() string {
	return strings.ToLower(c.Proto) + "://" + net.JoinHostPort(unbracket(c.Host), strconv.Itoa(c.Port))
}

// Plaintext returns the token plaintext "proto;port;host;key;expiry".
func (c Claims) Plaintext() string {
	return strings.ToLower(c.Proto) + ";" + strconv.Itoa(c.Port) + ";" + unbracket(c.Host) + ";" + c.Key + ";" + c.Expires
}

// String describes the claims without the MISP key, so that printing or
// logging Claims cannot leak it.
func (c Claims) String() string {
	return c.BaseURL() + " (key redacted, expires " + c.Expires + ")"
}

// GoString is String, so that %#v does not print the key either.
func (c Claims) GoString() string { return c.String() }

// LogValue keeps the MISP key out of slog output.
func (c Claims) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("proto", c.Proto),
		slog.Int("port", c.Port),
		slog.String("host", c.Host),
		slog.String("expires", c.Expires),
	)
}

// Validate reports whether the claims can be minted: it returns nil or a
// *ClaimsError naming the invalid field. Proto is matched case-insensitively
// and Host may be a bracketed IPv6 literal; Mint normalises both.
func (c Claims) Validate() error {
	if _, ce := c.normalize(); ce != nil {
		return ce
	}
	return nil
}

// ParsePlaintext parses and validates a token plaintext
// "proto;port;host;key;YYYY-MM-DD". The error wraps ErrBadDate when only the
// expiry fails, being shaped like a date but not a real one, and ErrPlaintext
// otherwise, in both cases together with a *ClaimsError.
func ParsePlaintext(s string) (Claims, error) {
	f := strings.Split(s, ";")
	if len(f) != 5 {
		return Claims{}, plaintextError(&ClaimsError{Field: "plaintext", Reason: "must have 5 fields separated by ';'"})
	}
	if _, ce := normProto(f[0]); ce != nil {
		return Claims{}, plaintextError(ce)
	}
	port, ok := parsePort(f[1])
	if !ok {
		return Claims{}, plaintextError(portError())
	}
	c, ce := Claims{Proto: f[0], Port: port, Host: f[2], Key: f[3], Expires: f[4]}.normalize()
	if ce != nil {
		return Claims{}, plaintextError(ce)
	}
	return c, nil
}

func plaintextError(ce *ClaimsError) error {
	if ce.badDate {
		return fmt.Errorf("auth: parse plaintext: %w: %w", ErrBadDate, ce)
	}
	return fmt.Errorf("auth: parse plaintext: %w: %w", ErrPlaintext, ce)
}

func portError() *ClaimsError { return &ClaimsError{Field: "port", Reason: "must be 1-65535"} }

// parsePort accepts the canonical decimal form of 1-65535: digits only, no
// sign, no leading zero.
func parsePort(s string) (int, bool) {
	if len(s) == 0 || len(s) > 5 || s[0] == '0' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, n <= 65535
}

// normalize validates the claims field by field, in plaintext order, and
// returns them with the proto in lower case and the host without brackets.
// A calendar check of the expiry comes last, after every shape check, as in
// the original.
func (c Claims) normalize() (Claims, *ClaimsError) {
	proto, ce := normProto(c.Proto)
	if ce != nil {
		return Claims{}, ce
	}
	c.Proto = proto
	if c.Port < 1 || c.Port > 65535 {
		return Claims{}, portError()
	}
	host, reason := checkHost(c.Host)
	if reason != "" {
		return Claims{}, &ClaimsError{Field: "host", Reason: reason}
	}
	c.Host = host
	if !validKey(c.Key) {
		return Claims{}, &ClaimsError{Field: "key", Reason: "must be 40-72 ASCII letters and digits"}
	}
	if !expiresShape.MatchString(c.Expires) {
		return Claims{}, &ClaimsError{Field: "expires", Reason: "must be a date YYYY-MM-DD between 1900 and 2099"}
	}
	if _, err := time.Parse(time.DateOnly, c.Expires); err != nil {
		return Claims{}, &ClaimsError{Field: "expires", Reason: "is not a calendar date", badDate: true}
	}
	return c, nil
}

// normProto matches the proto case-insensitively, as the original did, and
// returns it in lower case.
func normProto(p string) (string, *ClaimsError) {
	switch {
	case strings.EqualFold(p, "https"):
		return "https", nil
	case strings.EqualFold(p, "http"):
		return "http", nil
	}
	return "", &ClaimsError{Field: "proto", Reason: "must be http or https"}
}

// expiresShape is the original's expiry pattern; the calendar check follows.
var expiresShape = regexp.MustCompile(`^(19|20)[0-9]{2}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$`)

func validKey(k string) bool {
	if len(k) < 40 || len(k) > 72 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if !isAlnum(k[i]) {
			return false
		}
	}
	return true
}

func isAlnum(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// checkHost returns h without IPv6 brackets, or the reason it is invalid. A
// host is an IPv6 literal (bracketed or not, no zone), an IPv4 literal in
// dotted-decimal form, or a DNS name: dot-separated labels of 1-63 letters,
// digits, hyphens and underscores, 253 characters at most, with an optional
// trailing dot. A name whose last label is all digits must be an IPv4
// literal, so "999.1.1.1" or "1.2.3" are rejected rather than looked up.
// The host is otherwise kept verbatim: it names the site file.
func checkHost(h string) (string, string) {
	if strings.HasPrefix(h, "[") || strings.Contains(h, ":") {
		inner := h
		if strings.HasPrefix(h, "[") {
			if !strings.HasSuffix(h, "]") {
				return "", "has an unclosed '['"
			}
			inner = h[1 : len(h)-1]
		}
		a, err := netip.ParseAddr(inner)
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", "is not a valid IPv6 literal"
		}
		return inner, ""
	}
	name := strings.TrimSuffix(h, ".")
	if name == "" || len(name) > 253 {
		return "", "must be 1-253 characters"
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return "", "must have labels of 1-63 characters"
		}
		for i := 0; i < len(l); i++ {
			if b := l[i]; !isAlnum(b) && b != '-' && b != '_' {
				return "", "may contain only letters, digits, '-', '_' and '.'"
			}
		}
	}
	if allDigits(labels[len(labels)-1]) {
		if a, err := netip.ParseAddr(h); err != nil || !a.Is4() {
			return "", "is not a valid IPv4 address"
		}
	}
	return h, ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func unbracket(h string) string {
	if len(h) >= 2 && h[0] == '[' && h[len(h)-1] == ']' {
		return h[1 : len(h)-1]
	}
	return h
}

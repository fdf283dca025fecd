package indicator

import (
	"errors"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Errors returned by the Canonical* functions.
var (
	ErrEmpty   = errors.New("empty value")
	ErrSyntax  = errors.New("malformed value")
	ErrTooLong = errors.New("value too long")
)

// refanger undoes the common ways analysts "defang" indicators so they
// cannot be clicked: hxxp://, [.], (.), [:], [@].
var refanger = strings.NewReplacer(
	"[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".", "(dot)", ".",
	"[:]", ":", "[@]", "@", "(@)", "@", "[at]", "@",
)

// Refang reverses common defanging: "hxxps://evil[.]example" becomes
// "https://evil.example". "hxxp" is a scheme only before "://" or
// "s://": a name may begin with it ("hxxpool.example").
func Refang(s string) string {
	if strings.ContainsAny(s, "[({") {
		s = refanger.Replace(s)
	}
	if hxxpScheme(s) {
		s = "http" + s[4:]
	}
	return s
}

// hxxpScheme reports whether s begins with the scheme "hxxp://" or
// "hxxps://", in any case.
func hxxpScheme(s string) bool {
	if len(s) < 7 || (s[0] != 'h' && s[0] != 'H') || !strings.EqualFold(s[:4], "hxxp") {
		return false
	}
	rest := s[4:]
	if rest[0] == 's' || rest[0] == 'S' {
		rest = rest[1:]
	}
	return strings.HasPrefix(rest, "://")
}

// CanonicalIP parses an address or prefix ("198.51.100.7",
// "203.0.113.9/24", "[2001:DB8::1]", "::ffff:192.0.2.1"), possibly with a
// port ("[2001:db8::1]:443", "198.51.100.7:8080"), and returns its
// canonical form: host bits cleared, IPv4-mapped IPv6 unmapped, zone
// dropped, RFC 5952 text. A full-length prefix is returned as an address.
// IPv4 with leading zeros ("010.0.0.1") is rejected as ambiguous.
func CanonicalIP(s string) (netip.Prefix, error) {
	s = Refang(strings.TrimSpace(s))
	if s == "" {
		return netip.Prefix{}, ErrEmpty
	}
	s, err := stripIPPort(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if i := strings.IndexByte(s, '/'); i >= 0 {
		a, err := parseAddr(s[:i])
		if err != nil {
			return netip.Prefix{}, err
		}
		bits, err := strconv.Atoi(s[i+1:])
		if err != nil || bits < 0 || bits > a.BitLen() || s[i+1] == '+' || s[i+1] == '-' {
			return netip.Prefix{}, ErrSyntax
		}
		if a.Is4In6() {
			if bits < 96 {
				return netip.Prefix{}, ErrSyntax
			}
			a, bits = a.Unmap(), bits-96
		}
		return netip.PrefixFrom(a, bits).Masked(), nil
	}
	a, err := parseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func parseAddr(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, ErrSyntax
	}
	return a.WithZone(""), nil
}

// ipType returns the Type and canonical text of p.
func ipType(p netip.Prefix, v string) (Type, string) {
	a := p.Addr()
	full := p.Bits() == a.BitLen()
	switch {
	case a.Is4() && full:
		return IPv4, addrText(a, v)
	case a.Is4():
		return IPv4Net, prefixText(p, v)
	case full:
		return IPv6, addrText(a, v)
	}
	return IPv6Net, prefixText(p, v)
}

// addrText returns a's text: v itself when v is already written so, which
// most values of a list are, so a million of them do not allocate a
// million strings again.
func addrText(a netip.Addr, v string) string {
	var buf [64]byte
	return textOr(a.AppendTo(buf[:0]), v)
}

// prefixText is addrText for a prefix.
func prefixText(p netip.Prefix, v string) string {
	var buf [64]byte
	return textOr(p.AppendTo(buf[:0]), v)
}

// textOr returns v when it is the text in b, else that text as a string.
func textOr(b []byte, v string) string {
	if string(b) == v {
		return v
	}
	return string(b)
}

var nameProfile = idna.New(
	idna.MapForLookup(),
	idna.Transitional(false),
	idna.StrictDomainName(false), // underscores occur in real names
	idna.CheckHyphens(false),
	idna.BidiRule(),
)

// CanonicalName returns the canonical form of a DNS name: surrounding space
// and one trailing dot (or ideographic or fullwidth full stop) removed,
// lower case, internationalised labels as A-labels (punycode). It requires
// at least two labels, labels of 1-63 octets of letters, digits, '-' and
// '_' (no '-' at either end), a total of at most 253 octets, and a final
// label that is no number (numericLabel).
func CanonicalName(s string) (string, error) {
	s = Refang(strings.TrimSpace(s))
	s, rooted := strings.CutSuffix(s, ".")
	if s == "" {
		return "", ErrEmpty
	}
	s = lowerASCII(s) // before the A-label test: "Xn--" is an A-label prefix too
	if !isASCII(s) || strings.Contains(s, "xn--") {
		if !utf8.ValidString(s) {
			return "", ErrSyntax
		}
		a, err := nameProfile.ToASCII(s)
		if err != nil {
			return "", ErrSyntax
		}
		// A-labels the profile produced must also be accepted when read
		// back, so that canonicalisation is idempotent.
		if a != s {
			if b, err := nameProfile.ToASCII(a); err != nil || b != a {
				return "", ErrSyntax
			}
		}
		s = lowerASCII(a)
		if !rooted {
			// A wide full stop (U+3002, U+FF0E, U+FF61) ended it.
			s = strings.TrimSuffix(s, ".")
		}
	}
	if len(s) > 253 {
		return "", ErrTooLong
	}
	labels, last := 0, ""
	for start := 0; start <= len(s); {
		end := strings.IndexByte(s[start:], '.')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		label := s[start:end]
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return "", ErrSyntax
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-' || c == '_') {
				return "", ErrSyntax
			}
		}
		labels++
		last = label
		start = end + 1
	}
	if labels < 2 || numericLabel(last) {
		return "", ErrSyntax
	}
	return s, nil
}

// numericLabel reports whether a URL parser reads label, a name's last,
// as a number: all digits, or "0x" and hex digits. Browsers then read
// the whole name as an IPv4 address ("1.2.3.0x4" is 1.2.3.4) or as no
// host at all, never as the name (WHATWG URL, "ends in a number").
func numericLabel(label string) bool {
	digits, hex := strings.CutPrefix(label, "0x")
	if hex && digits == "" {
		return true
	}
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if !(c >= '0' && c <= '9' || hex && c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// CanonicalEmail returns an e-mail address with its domain canonicalised
// (see CanonicalName) and the local part as given. "Name <a@b.example>"
// and "mailto:a@b.example" yield "a@b.example".
func CanonicalEmail(s string) (string, error) {
	s = Refang(strings.TrimSpace(s))
	if i := strings.LastIndexByte(s, '<'); i >= 0 && strings.HasSuffix(s, ">") {
		s = s[i+1 : len(s)-1]
	}
	if len(s) >= 7 && strings.EqualFold(s[:7], "mailto:") {
		s = s[7:]
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at > 64 {
		return "", ErrSyntax
	}
	local := s[:at]
	for i := 0; i < len(local); i++ {
		if c := local[i]; c <= ' ' || c == 0x7f || strings.IndexByte(`<>",;:@\`, c) >= 0 {
			return "", ErrSyntax
		}
	}
	if wideSpaceOrControl(local) {
		return "", ErrSyntax
	}
	domain, err := CanonicalName(s[at+1:])
	if err != nil {
		return "", err
	}
	return local + "@" + domain, nil
}

// wideSpaceOrControl reports whether s holds a space or control
// character beyond ASCII: NEL and the C1 controls, no-break and wide
// spaces, the line and paragraph separators. No mail or web client sends
// one raw, and a line reader may split a list at it (LineBreaks).
func wideSpaceOrControl(s string) bool {
	for _, r := range s {
		if r >= 0x80 && (unicode.IsSpace(r) || unicode.IsControl(r)) {
			return true
		}
	}
	return false
}

// CanonicalHex returns s lower-cased if it is exactly n hex digits.
func CanonicalHex(s string, n int) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) != n {
		return "", ErrSyntax
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F') {
			return "", ErrSyntax
		}
	}
	return lowerASCII(s), nil
}

var cveRE = regexp.MustCompile(`(?i)\bcve-(\d{4})-(\d{4,7})\b`)

// CanonicalCVE finds a CVE id in s and returns it in upper case,
// "CVE-2021-44228". Years 1999 to 2099 are accepted.
func CanonicalCVE(s string) (string, error) {
	m := cveRE.FindStringSubmatch(s)
	if m == nil {
		return "", ErrSyntax
	}
	if y, _ := strconv.Atoi(m[1]); y < 1999 || y > 2099 {
		return "", ErrSyntax
	}
	return "CVE-" + m[1] + "-" + m[2], nil
}

var (
	btcLegacyRE = regexp.MustCompile(`^[13][1-9A-HJ-NP-Za-km-z]{25,34}$`)
	btcBech32RE = regexp.MustCompile(`^(bc1|tb1)[02-9ac-hj-np-z]{11,71}$`)
	xmrRE       = regexp.MustCompile(`^[48][1-9A-HJ-NP-Za-km-z]{94}([1-9A-HJ-NP-Za-km-z]{11})?$`)
)

// CanonicalCrypto validates a cryptocurrency address of MISP type "btc"
// (legacy base58 or bech32, the latter lower-cased) or "xmr".
func CanonicalCrypto(mispType, s string) (string, error) {
	s = strings.TrimSpace(s)
	switch mispType {
	case "btc":
		if btcLegacyRE.MatchString(s) {
			return s, nil
		}
		if l := lowerASCII(s); (l == s || strings.ToUpper(s) == s) && btcBech32RE.MatchString(l) {
			return l, nil
		}
	case "xmr":
		if xmrRE.MatchString(s) {
			return s, nil
		}
	}
	return "", ErrSyntax
}

// CanonicalLine returns a single line of free text with surrounding
// whitespace removed; text that spans lines for some line reader
// (LineBreaks) is rejected.
func CanonicalLine(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ErrEmpty
	}
	if strings.ContainsAny(s, LineBreaks+"\x00") {
		return "", ErrSyntax
	}
	return s, nil
}

// CanonicalRule returns a detection rule with CRLF line ends turned into
// LF and surrounding whitespace removed; it may span lines.
func CanonicalRule(s string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return "", ErrEmpty
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "", ErrSyntax
	}
	return s, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// lowerASCII lower-cases ASCII letters, allocating only when needed.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

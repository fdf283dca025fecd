package indicator

import (
	"net/netip"
	"strconv"
	"strings"
)

// CanonicalURL returns the canonical form of a URL: surrounding space and
// the #fragment removed, scheme and host lower-cased, an internationalised
// host as A-labels, an IPv6 host in RFC 5952 form (an IPv4-mapped one as
// its IPv4 address), the scheme's default port removed (http and ws 80,
// https and wss 443, ftp 21), and the path and query kept byte for byte,
// but in a URL of a special scheme, or without one, which are as a browser
// requests them: '\' read as '/' (see backslashToSlash), dot segments
// resolved and characters percent-encoded (see browserPathQuery). A URL
// without a scheme
// ("evil.example/gate.php") stays without one; a "://" after the first
// '/', '\' or '?' is path or query text
// ("evil.example/r?u=http://x.example/"), as a redirector's target is.
// Whitespace or control characters inside, ASCII or not
// (wideSpaceOrControl), are rejected.
func CanonicalURL(s string) (string, error) {
	s = Refang(strings.TrimSpace(s))
	if s == "" {
		return "", ErrEmpty
	}
	var high byte
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return "", ErrSyntax
		}
		high |= s[i] & 0x80
	}
	if high != 0 && wideSpaceOrControl(s) {
		return "", ErrSyntax
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	s = specialSlashes(s)
	var b strings.Builder
	rest, scheme := s, ""
	if i := schemeEnd(s); i >= 0 {
		if !validScheme(s[:i]) {
			return "", ErrSyntax
		}
		scheme = lowerASCII(s[:i])
		b.WriteString(scheme)
		b.WriteString("://")
		rest = s[i+3:]
	}
	special := scheme == "" || specialScheme(scheme)
	end := strings.IndexAny(rest, "/?")
	if special {
		end = strings.IndexAny(rest, "/?\\")
	}
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	// The authority of another scheme cannot hold a '\' (a forbidden
	// host code point).
	if strings.IndexByte(authority, '\\') >= 0 {
		return "", ErrSyntax
	}
	if special {
		tail = browserPathQuery(backslashToSlash(tail), scheme == "file")
	}
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		b.WriteString(authority[:at+1])
		authority = authority[at+1:]
	}
	host, port, err := splitHostPort(authority)
	if err != nil {
		return "", err
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Zone() == "" {
		// An IPv4-mapped host is the IPv4 address its packets go to.
		if a = a.Unmap(); a.Is6() {
			b.WriteString("[" + a.String() + "]")
		} else {
			b.WriteString(a.String())
		}
	} else if strings.HasPrefix(host, "[") {
		return "", ErrSyntax
	} else {
		name, err := CanonicalName(host)
		if err != nil {
			return "", err
		}
		b.WriteString(name)
	}
	if port != "" && !defaultPort(scheme, port) {
		b.WriteString(":" + port)
	}
	b.WriteString(tail)
	return b.String(), nil
}

// SplitScheme splits a canonical URL into its scheme and what follows
// "://"; scheme is "" for a URL without one. Only a leading scheme is
// cut: "bad.example/r?u=http://x.example/" has none, and cutting at its
// "://" would make it the redirect target's whole site.
func SplitScheme(u string) (scheme, rest string) {
	if i := schemeEnd(u); i >= 0 {
		return u[:i], u[i+3:]
	}
	return "", u
}

// schemeEnd returns the index of the "://" that ends s's scheme, or -1
// when there is none: a "://" after the first '/', '\' or '?' is path or
// query text.
func schemeEnd(s string) int {
	i := strings.Index(s, "://")
	if i < 0 || strings.ContainsAny(s[:i], "/?\\") {
		return -1
	}
	return i
}

// specialScheme reports whether scheme is one of the WHATWG URL special
// schemes, in whose URLs a browser reads '\' as '/'.
func specialScheme(scheme string) bool {
	switch scheme {
	case "http", "https", "ws", "wss", "ftp", "file":
		return true
	}
	return false
}

// specialSlashes returns s with what follows a leading special scheme's
// ':' written "//" when it is two or more '/' and '\': a browser skips
// them all before the host ("http:\\evil.example", "http:///evil.example"
// are on evil.example).
func specialSlashes(s string) string {
	i := strings.IndexByte(s, ':')
	if i < 0 || !specialScheme(lowerASCII(s[:i])) {
		return s
	}
	j := i + 1
	for j < len(s) && (s[j] == '/' || s[j] == '\\') {
		j++
	}
	if j-i-1 < 2 || s[i:j] == "://" {
		return s
	}
	return s[:i] + "://" + s[j:]
}

// backslashToSlash returns the path and query of a special URL (tail: what
// follows its authority) as a browser requests them: each '\' of the path
// a '/', as the WHATWG URL standard reads it there, and the query, from
// the first '?', byte for byte, '\' included.
func backslashToSlash(tail string) string {
	q := strings.IndexByte(tail, '?')
	if q < 0 {
		q = len(tail)
	}
	if strings.IndexByte(tail[:q], '\\') < 0 {
		return tail
	}
	return strings.ReplaceAll(tail[:q], "\\", "/") + tail[q:]
}

func splitHostPort(hp string) (host, port string, err error) {
	if strings.HasPrefix(hp, "[") {
		i := strings.IndexByte(hp, ']')
		if i < 0 {
			return "", "", ErrSyntax
		}
		host, hp = hp[1:i], hp[i+1:]
		if _, perr := netip.ParseAddr(host); perr != nil {
			return "", "", ErrSyntax
		}
		if hp == "" {
			return host, "", nil
		}
		if hp[0] != ':' {
			return "", "", ErrSyntax
		}
		port = hp[1:]
	} else if i := strings.LastIndexByte(hp, ':'); i >= 0 {
		// An IPv6 host is bracketed: "2001:db8::1:80" is not
		// 2001:db8::1 on port 80.
		if strings.IndexByte(hp[:i], ':') >= 0 {
			return "", "", ErrSyntax
		}
		host, port = hp[:i], hp[i+1:]
	} else {
		host = hp
	}
	if host == "" {
		return "", "", ErrEmpty
	}
	if port != "" {
		n, perr := strconv.Atoi(port)
		if perr != nil || n < 1 || n > 65535 || port[0] == '+' {
			return "", "", ErrSyntax
		}
		port = strconv.Itoa(n)
	} else if strings.HasSuffix(hp, ":") {
		return "", "", ErrSyntax
	}
	return host, port, nil
}

func validScheme(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// defaultPort reports whether port is the default of scheme, one of the
// WHATWG URL special schemes, which a client leaves out of the URLs it
// requests.
func defaultPort(scheme, port string) bool {
	switch scheme {
	case "http", "ws":
		return port == "80"
	case "https", "wss":
		return port == "443"
	case "ftp":
		return port == "21"
	}
	return false
}

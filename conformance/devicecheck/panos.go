package devicecheck

import (
	"strings"

	"golang.org/x/net/publicsuffix"
)

// PANList is a PAN-OS external dynamic list type.
type PANList uint8

// The PAN-OS list types.
const (
	PANIP PANList = iota + 1
	PANDomain
	PANURL
)

// PANMaxEntryLen is the longest domain or URL entry PAN-OS accepts.
const PANMaxEntryLen = 255

// CheckPANOS checks an external dynamic list of the given type.
//
//   - IP list: "<address | prefix | start-end>[ <comment>]"; a prefix has
//     no host bits set; a range has both ends in one family, start ≤ end.
//   - Domain list: at most 255 characters, no scheme, path, port or IP
//     address; "*" only as a whole first label ("*.d"), "^" only as whole
//     leading labels; then DNS labels of letters, digits, '-' and '_'.
//   - URL list: at most 255 printable ASCII characters, no scheme, no port;
//     "*" and "^" only as whole tokens (separators . / ? & = ; +), never
//     "*" twice in a row nor more than nine "^" in a row; a host of DNS
//     labels or an IPv4 address; no "*." over a single label or an ICANN
//     public suffix.
func CheckPANOS(list PANList, data []byte) []Violation {
	lines, vs := checkFile(data, false)
	for _, l := range lines {
		var rule string
		switch list {
		case PANIP:
			e, _, _ := strings.Cut(l.text, " ")
			rule = checkIPEntry(e)
		case PANDomain:
			rule = checkPANDomain(l.text)
		case PANURL:
			rule = checkPANURL(l.text)
		default:
			rule = "unknown list type"
		}
		if rule != "" {
			vs = append(vs, Violation{l.n, l.text, rule})
		}
	}
	return vs
}

func checkPANDomain(e string) string {
	switch {
	case len(e) > PANMaxEntryLen:
		return "longer than 255 characters"
	case strings.Contains(e, "://"):
		return "scheme in a domain entry"
	case strings.ContainsAny(e, "/?"):
		return "path in a domain entry"
	case strings.Contains(e, ":") && !isIP(e):
		return "port in a domain entry"
	case isIP(e):
		return "IP address in a domain list"
	case !isASCIIPrintable(e):
		return "non-ASCII or white space (use A-labels)"
	}
	labels := strings.Split(e, ".")
	i := 0
	for i < len(labels) && labels[i] == "^" {
		i++
	}
	if i == 0 && labels[0] == "*" {
		i = 1
	}
	if i == len(labels) {
		return "wildcard without a name"
	}
	for _, l := range labels[i:] {
		if strings.ContainsAny(l, "*^") {
			return "wildcard not a whole leading label"
		}
		if !label(l) {
			return "invalid label " + quote(l)
		}
	}
	return ""
}

func quote(s string) string { return "\"" + s + "\"" }

// isURLSep reports whether c separates URL tokens for PAN-OS wildcards.
func isURLSep(c byte) bool {
	switch c {
	case '.', '/', '?', '&', '=', ';', '+':
		return true
	}
	return false
}

func checkPANURL(e string) string {
	switch {
	case len(e) > PANMaxEntryLen:
		return "longer than 255 characters"
	case SchemeEnd(e) >= 0:
		return "scheme in a URL entry"
	case !isASCIIPrintable(e):
		return "non-ASCII or white space (percent-encode or use A-labels)"
	}
	// Wildcards fill whole tokens.
	stars, carets := 0, 0
	for _, tok := range splitTokens(e) {
		switch {
		case tok == "*":
			stars++
			carets = 0
			if stars > 1 {
				return "consecutive '*' tokens"
			}
			continue
		case tok == "^":
			carets++
			stars = 0
			if carets > 9 {
				return "more than nine consecutive '^' tokens"
			}
			continue
		case strings.ContainsAny(tok, "*^"):
			return "wildcard mixed into token " + quote(tok)
		}
		stars, carets = 0, 0
	}
	end := strings.IndexAny(e, "/?")
	if end < 0 {
		end = len(e)
	}
	host := e[:end]
	switch {
	case host == "":
		return "no host"
	case strings.Contains(host, ":"):
		return "port or IPv6 literal in the host"
	case strings.Contains(host, "@"):
		return "user info in the host"
	case isIP(host):
		return ""
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if l != "*" && l != "^" && !label(l) {
			return "invalid host label " + quote(l)
		}
	}
	if labels[0] == "*" {
		rest := strings.Join(labels[1:], ".")
		if suffix, icann := publicsuffix.PublicSuffix(rest); len(labels) == 2 || icann && suffix == rest {
			return "wildcard over a top-level domain or public suffix"
		}
	}
	return ""
}

// splitTokens splits a URL entry at the PAN-OS token separators, keeping
// empty tokens between adjacent separators out.
func splitTokens(e string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(e); i++ {
		if i == len(e) || isURLSep(e[i]) {
			if i > start {
				out = append(out, e[start:i])
			}
			start = i + 1
		}
	}
	return out
}

// SchemeEnd returns the index of the "://" that ends a URL's scheme, or -1
// when there is none: a "://" after the first '/' or '?' is path or query
// text ("bad.example/r?u=http://x"), not a scheme.
func SchemeEnd(e string) int {
	i := strings.Index(e, "://")
	if i < 0 || strings.ContainsAny(e[:i], "/?") {
		return -1
	}
	return i
}

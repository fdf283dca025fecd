package devicecheck

import (
	"fmt"
	"strconv"
	"strings"
)

// FortiFeed is a FortiGate external threat feed type (CLI "type").
type FortiFeed uint8

// The FortiGate feed types.
const (
	FortiAddress  FortiFeed = iota + 1 // "address"
	FortiDomain                        // "domain"
	FortiCategory                      // "category": URLs for web filtering
	FortiMalware                       // "malware": file hashes
)

// FortiLimits caps one feed; zero fields mean no cap.
type FortiLimits struct {
	MaxEntries int
	MaxBytes   int
}

// FortiPre744 is the per-feed cap before FortiOS 7.4.4: 131,072 entries or
// 10 MB. Later versions apply per-model global caps instead.
var FortiPre744 = FortiLimits{MaxEntries: 131072, MaxBytes: 10 << 20}

// CheckFortiOS checks a threat feed of the given type against lim.
// Whole-line "#" comments are allowed.
//
//   - address: an address, a CIDR prefix without host bits, or an a-b
//     range in one family;
//   - domain: at most 255 characters of letters, digits, '-', '_', '.'
//     and '*' (anywhere), no scheme, path, port or IP address, no empty
//     label, not "*" alone;
//   - category: a URL with an optional http or https scheme, a host
//     (DNS labels, IPv4, or IPv6 in brackets), an optional port
//     1-65535, printable ASCII, '*' only at the start or the end;
//   - malware: a hex MD5, SHA-1 or SHA-256, optionally followed by a space
//     and a description; every hash of the file has the length of the
//     first.
func CheckFortiOS(feed FortiFeed, data []byte, lim FortiLimits) []Violation {
	lines, vs := checkFile(data, true)
	hashLen := 0
	for _, l := range lines {
		var rule string
		switch feed {
		case FortiAddress:
			rule = checkIPEntry(l.text)
		case FortiDomain:
			rule = checkFortiDomain(l.text)
		case FortiCategory:
			rule = checkFortiURL(l.text)
		case FortiMalware:
			h, _, _ := strings.Cut(l.text, " ")
			rule = checkHash(h)
			if rule == "" {
				if hashLen == 0 {
					hashLen = len(h)
				} else if len(h) != hashLen {
					rule = fmt.Sprintf("hash of %d digits in a feed of %d-digit hashes", len(h), hashLen)
				}
			}
		default:
			rule = "unknown feed type"
		}
		if rule != "" {
			vs = append(vs, Violation{l.n, l.text, rule})
		}
	}
	vs = append(vs, entryCap(len(lines), lim.MaxEntries)...)
	if lim.MaxBytes > 0 && len(data) > lim.MaxBytes {
		vs = append(vs, Violation{Rule: fmt.Sprintf("%d bytes, over the cap of %d", len(data), lim.MaxBytes)})
	}
	return vs
}

func checkFortiDomain(e string) string {
	switch {
	case len(e) > 255:
		return "longer than 255 characters"
	case strings.Contains(e, "://"):
		return "scheme in a domain entry"
	case strings.ContainsAny(e, "/?"):
		return "path in a domain entry"
	case isIP(e):
		return "IP address in a domain feed"
	case strings.Contains(e, ":"):
		return "port in a domain entry"
	case strings.Trim(e, "*.") == "":
		return "wildcard without a name"
	}
	for _, l := range strings.Split(e, ".") {
		if l == "" {
			return "empty label"
		}
		if !label(strings.ReplaceAll(l, "*", "x")) {
			return "invalid label " + quote(l)
		}
	}
	return ""
}

func checkFortiURL(e string) string {
	if !isASCIIPrintable(e) {
		return "non-ASCII or white space (percent-encode or use A-labels)"
	}
	rest := strings.TrimSuffix(e, "*")
	if r, ok := strings.CutPrefix(rest, "*"); ok {
		rest = strings.TrimPrefix(r, ".")
	}
	if strings.Contains(rest, "*") {
		return "'*' not at the start or the end"
	}
	if i := SchemeEnd(rest); i >= 0 {
		if scheme := rest[:i]; scheme != "http" && scheme != "https" {
			return "scheme " + quote(scheme) + " is not http or https"
		}
		rest = rest[i+3:]
	}
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	hostport := rest[:end]
	if strings.Contains(hostport, "@") {
		return "user info in the host"
	}
	host, port := hostport, ""
	if strings.HasPrefix(hostport, "[") {
		i := strings.IndexByte(hostport, ']')
		if i < 0 || !isIP(hostport[:i+1]) {
			return "malformed IPv6 host"
		}
		host, port = hostport[:i+1], hostport[i+1:]
		if port != "" && port[0] != ':' {
			return "malformed IPv6 host"
		}
		port = strings.TrimPrefix(port, ":")
	} else if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		host, port = hostport[:i], hostport[i+1:]
	}
	if port != "" || strings.HasSuffix(hostport, ":") {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '0' || port[0] == '+' {
			return "bad port " + quote(port)
		}
	}
	switch {
	case host == "":
		return "no host"
	case isIP(host):
		return ""
	}
	return badLabel(host, "host")
}

func checkHash(h string) string {
	switch len(h) {
	case 32, 40, 64:
	default:
		return fmt.Sprintf("hash of %d characters (want 32, 40 or 64 hex digits)", len(h))
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return "not a hex hash"
		}
	}
	return ""
}

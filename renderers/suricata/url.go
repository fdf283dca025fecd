package suricata

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
)

// urlParts is a canonical URL split into what the rules match.
type urlParts struct {
	scheme string // "" when the URL has none
	host   string // name, IPv4 or IPv6 text without brackets
	port   string // "" when absent
	path   string // path and query as given, "" when absent
}

// splitURL splits a canonical URL (see indicator.CanonicalURL).
func splitURL(v string) (urlParts, bool) {
	var u urlParts
	var rest string
	u.scheme, rest = indicator.SplitScheme(v)
	var auth string
	auth, u.path = feedlist.SplitHost(rest)
	if strings.HasPrefix(auth, "[") {
		i := strings.IndexByte(auth, ']')
		if i < 0 {
			return u, false
		}
		u.host, auth = auth[1:i], auth[i+1:]
		if auth != "" {
			if auth[0] != ':' {
				return u, false
			}
			u.port = auth[1:]
		}
	} else if i := strings.LastIndexByte(auth, ':'); i >= 0 {
		u.host, u.port = auth[:i], auth[i+1:]
	} else {
		u.host = auth
	}
	if u.host == "" {
		return u, false
	}
	if u.port != "" {
		n, err := strconv.Atoi(u.port)
		if err != nil || n < 1 || n > 65535 {
			return u, false
		}
		u.port = strconv.Itoa(n)
	}
	return u, true
}

// normalizedAway reports whether Suricata's normalised http.uri buffer may
// differ from the raw path bytes, so that the raw buffer must be matched.
func normalizedAway(path string) bool {
	return strings.ContainsAny(path, "%\\") || strings.Contains(path, "//") ||
		strings.Contains(path, "/./") || strings.Contains(path, "/../") ||
		strings.HasSuffix(path, "/.") || strings.HasSuffix(path, "/..")
}

// decodeBrowserEscapes returns path (path and query) with each escape of
// a byte a browser percent-encodes (indicator.CanonicalURL writes them
// so) decoded, as Suricata's normalised http.uri holds it: non-ASCII
// bytes, and " < > ^ ` { } in the path, " < > ' in the query. The
// request then matches however the client writes those bytes (%C3%9F,
// %c3%9f or raw), as it did before the URL was canonicalised. Other
// escapes (%2F, %41, %25, %20...) are kept, so the raw URI is matched.
func decodeBrowserEscapes(path string) string {
	if !strings.Contains(path, "%") {
		return path
	}
	b := make([]byte, 0, len(path))
	query := false
	for i := 0; i < len(path); i++ {
		c := path[i]
		query = query || c == '?'
		if c == '%' && i+2 < len(path) {
			if d, ok := unhex(path[i+1], path[i+2]); ok && (d >= 0x80 || strings.IndexByte(escapedIn(query), d) >= 0) {
				b = append(b, d)
				i += 2
				continue
			}
		}
		b = append(b, c)
	}
	return string(b)
}

// escapedIn is the ASCII a browser percent-encodes in a URL's query, or
// else its path, that Suricata's http.uri decodes unambiguously.
func escapedIn(query bool) string {
	if query {
		return `"<>'`
	}
	return "\"<>^`{}"
}

// unhex returns the byte of the hex digits a and b.
func unhex(a, b byte) (byte, bool) {
	x, err := strconv.ParseUint(string([]byte{a, b}), 16, 8)
	return byte(x), err == nil
}

// anyClientHello matches the version of any ClientHello, once a session:
// a tls rule with no TLS keyword alerts on every packet the client sends.
const anyClientHello = "ssl_version:sslv2,sslv3,tls1.0,tls1.1,tls1.2,tls1.3; "

// addURL writes the rule for a URL: http (and scheme-less) URLs match the
// Host and the URI prefix; https URLs match the TLS SNI of their host,
// once per host and port, and, with a port or an IP host, the CONNECT
// request that opens a tunnel to it through a proxy (addConnect).
//
// An http URL's host and port are matched in the request, not in the
// rule header: through an explicit proxy the client connects to the
// proxy's address and port, and names the host and port in the request
// line ("GET http://host:port/path") and the Host header. http.host holds
// the host of either (without its port; an IPv6 address in brackets), and
// the Host header carries the port in both, as RFC 9112 makes clients
// send it.
func (r *render) addURL(ind indicator.Indicator) error {
	u, ok := splitURL(ind.Value)
	if !ok {
		r.req.Drop("URL that does not split into host and path", 1)
		return nil
	}
	port := u.port
	if port == "" {
		port = "any"
	}
	addr, err := netip.ParseAddr(u.host)
	isIP := err == nil
	dst := "any"
	if isIP {
		dst = addr.String()
	}
	switch u.scheme {
	case "", "http":
		r.open("url", "http $HOME_NET any -> any any", ind.Value)
		r.raw("flow:established,to_server; ")
		switch {
		case !isIP:
			r.opt(httpHost+"content:\"", u.host, "\"; startswith; "+nameEnd)
		case addr.Is6():
			r.opt(httpHost+"content:\"", "["+dst+"]", "\"; bsize:"+strconv.Itoa(len(dst)+2)+"; ")
		default:
			r.opt(httpHost+"content:\"", dst, "\"; bsize:"+strconv.Itoa(len(dst))+"; ")
		}
		if u.port != "" && u.port != "80" {
			r.raw(`http.header; pcre:"/^host:[^\r\n]*:` + u.port + `[ \t]*\r?$/mi"; `)
		}
		path := decodeBrowserEscapes(u.path)
		if strings.HasPrefix(path, "?") {
			path = "/" + path
		}
		switch {
		case path == "" || path == "/":
		case normalizedAway(path):
			// The raw URI of a request sent through a proxy starts with
			// the scheme and authority ("http://host:port/a%41").
			r.opt("http.uri.raw; content:\"", path, "\"; ")
			r.raw(`pcre:"/^(?i:http:\/\/[^\/?#]*)?` + string(appendPCRELiteral(nil, path)) + `/"; `)
		default:
			r.opt("http.uri; content:\"", path, "\"; startswith; ")
		}
		return r.commit(ind)
	case "https":
		key := u.host + " " + port
		if r.tlsURLs[key] {
			r.req.Drop("https URL whose host already has a TLS rule", 1)
			return nil
		}
		if r.tlsURLs == nil {
			r.tlsURLs = map[string]bool{}
		}
		r.tlsURLs[key] = true
		label := u.host
		if u.port != "" {
			label += ":" + u.port
		}
		r.open("url-tls", "tls $HOME_NET any -> "+dst+" "+port, label)
		r.raw("flow:established,to_server; ")
		if isIP {
			r.raw(anyClientHello)
		} else {
			r.opt("tls.sni; content:\"", u.host, "\"; nocase; startswith; "+nameEnd)
		}
		if isIP || u.port != "" {
			r.addConnect(u.host, addr, isIP, u.port)
		}
		return r.commitKey(indicator.URL, "https://"+label)
	}
	r.req.Drop("URL scheme other than http or https", 1)
	return nil
}

// addConnect opens the rule that matches an https URL's host and port in
// the CONNECT request a client sends to an explicit proxy (authority-form
// "host:port", in any case, a name with or without a trailing dot): the
// TLS session in the tunnel goes to the proxy's address and port, so
// only the SNI of a name, never its port or an IP host, is seen there.
func (r *render) addConnect(host string, addr netip.Addr, isIP bool, port string) {
	if port == "" {
		port = "443"
	}
	if addr.Is6() {
		host = "[" + addr.String() + "]"
	} else if isIP {
		host = addr.String()
	}
	authority := host + ":" + port
	r.open("url-connect", "http $HOME_NET any -> any any", authority)
	r.raw(`flow:established,to_server; http.method; content:"CONNECT"; bsize:7; `)
	if isIP {
		r.opt("http.uri.raw; content:\"", authority, "\"; nocase; bsize:"+strconv.Itoa(len(authority))+"; ")
		return
	}
	r.opt("http.uri.raw; content:\"", host, "\"; nocase; startswith; ")
	r.raw(`pcre:"/^\.?:` + port + `\z/R"; `)
}

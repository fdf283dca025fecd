package indicator

import "testing"

// urlCase is a URL as MISP holds it and as it is listed, "" where it is
// refused.
type urlCase struct{ in, want string }

// checkCanonicalURLs checks CanonicalURL on each case.
func checkCanonicalURLs(t *testing.T, tests []urlCase) {
	t.Helper()
	for _, tt := range tests {
		checkCanonicalURL(t, tt.in, tt.want)
	}
}

// checkCanonicalURL reports an error unless CanonicalURL lists in as want,
// or refuses it where want is "", and returns the URL and whether it did.
func checkCanonicalURL(t *testing.T, in, want string) (string, bool) {
	t.Helper()
	got, err := CanonicalURL(in)
	if want == "" {
		if err == nil {
			t.Errorf("%q: got %q, want an error", in, got)
			return got, false
		}
		return got, true
	}
	if err != nil || got != want {
		t.Errorf("%q: got %q, %v; want %q", in, got, err, want)
		return got, false
	}
	return got, true
}

// TestURLMappedHost: a URL on an IPv4-mapped IPv6 address is on the IPv4
// address, which its packets go to, as an ip-dst value is: devices match
// it there (a Suricata rule on ::ffff:192.0.2.1 never sees IPv4 traffic,
// a Palo Alto list takes no IPv6 host).
func TestURLMappedHost(t *testing.T) {
	tests := []urlCase{
		{"http://[::ffff:192.0.2.1]/gate.php", "http://192.0.2.1/gate.php"},
		{"https://[::FFFF:c000:201]:8443/x", "https://192.0.2.1:8443/x"},
		{"http://[::ffff:192.0.2.1]:80", "http://192.0.2.1"},
		{"[::ffff:192.0.2.1]:8080/x", "192.0.2.1:8080/x"},
		// Other IPv6 hosts stay IPv6.
		{"http://[::192.0.2.1]/", "http://[::c000:201]/"},
		{"http://[64:ff9b::192.0.2.1]/", "http://[64:ff9b::c000:201]/"},
		{"http://[2001:DB8::1]/", "http://[2001:db8::1]/"},
	}
	checkCanonicalURLs(t, tests)
}

// TestURLSchemeOnlyAtStart: a "://" after the first '/' or '?' is path or
// query text, as a redirector's target is: the URL has no scheme and is
// kept, and SplitScheme cuts only a leading scheme.
func TestURLSchemeOnlyAtStart(t *testing.T) {
	tests := []struct{ in, want, scheme, rest string }{
		{"Evil.Example/r?u=http://x.example/", "evil.example/r?u=http://x.example/", "", "evil.example/r?u=http://x.example/"},
		{"evil.example?u=https://x.example", "evil.example?u=https://x.example", "", "evil.example?u=https://x.example"},
		{"evil.example:8080/go/http://x.example/", "evil.example:8080/go/http://x.example/", "", "evil.example:8080/go/http://x.example/"},
		{"HTTP://evil.example/r?u=http://x.example/", "http://evil.example/r?u=http://x.example/", "http", "evil.example/r?u=http://x.example/"},
		{"hxxps://evil[.]example/?u=ftp://x", "https://evil.example/?u=ftp://x", "https", "evil.example/?u=ftp://x"},
		// What stands before a first "://" must still be a scheme.
		{"1http://evil.example/", "", "", ""},
		{"u@evil.example://x.example/", "", "", ""},
	}
	for _, tt := range tests {
		got, ok := checkCanonicalURL(t, tt.in, tt.want)
		if !ok || tt.want == "" {
			continue
		}
		if scheme, rest := SplitScheme(got); scheme != tt.scheme || rest != tt.rest {
			t.Errorf("SplitScheme(%q) = %q, %q; want %q, %q", got, scheme, rest, tt.scheme, tt.rest)
		}
	}
}

// TestURLDefaultPorts: every WHATWG special scheme loses its default
// port, as a client leaves it out of the URL it requests; other ports,
// and ports of other schemes, stay.
func TestURLDefaultPorts(t *testing.T) {
	tests := []urlCase{
		{"http://evil.example:80/x", "http://evil.example/x"},
		{"https://evil.example:443/x", "https://evil.example/x"},
		{"FTP://evil.example:21/pub", "ftp://evil.example/pub"},
		{"ws://evil.example:80/socket", "ws://evil.example/socket"},
		{"wss://evil.example:0443/socket", "wss://evil.example/socket"},
		{"ftp://evil.example:2121/pub", "ftp://evil.example:2121/pub"},
		{"ws://evil.example:443/", "ws://evil.example:443/"},
		{"wss://evil.example:80/", "wss://evil.example:80/"},
		{"ftps://evil.example:21/", "ftps://evil.example:21/"},
		{"gopher://evil.example:70/", "gopher://evil.example:70/"},
	}
	checkCanonicalURLs(t, tests)
}

// TestURLBackslash: in a URL of a WHATWG special scheme (http, https, ws,
// wss, ftp, file), or without a scheme, a browser reads '\' as '/' before
// the query, so the request a proxy or firewall sees has '/' there: the
// authority ends at the first '\' (the host after it, and an '@' after
// it, are path) and every '\' of the path is '/'. A '\' in the query is
// sent as it is, and so is one in the path of another scheme, whose
// authority cannot hold one. The '/' and '\' after a special scheme's ':'
// are skipped, as a browser skips them.
func TestURLBackslash(t *testing.T) {
	tests := []urlCase{
		{`http://evil.example\path\x`, "http://evil.example/path/x"},
		{`http://evil.example/a\b`, "http://evil.example/a/b"},
		{`HTTPS://Evil.Example:443\a\\b/`, "https://evil.example/a//b/"},
		{`http://evil.example\@good.example/`, "http://evil.example/@good.example/"},
		{`http://user:pw@evil.example\x@good.example`, "http://user:pw@evil.example/x@good.example"},
		{`http://evil.example:8080\`, "http://evil.example:8080/"},
		{`ws://evil.example\socket`, "ws://evil.example/socket"},
		{`wss://evil.example\socket`, "wss://evil.example/socket"},
		{`ftp://evil.example\pub\f.exe`, "ftp://evil.example/pub/f.exe"},
		{`file://evil.example\share\f.exe`, "file://evil.example/share/f.exe"},
		{`hxxp://evil[.]example\gate.php`, "http://evil.example/gate.php"},
		{`Evil.Example\path\x`, "evil.example/path/x"},
		{`evil.example\@good.example`, "evil.example/@good.example"},
		{`evil.example\go\http://x.example/`, "evil.example/go/http://x.example/"},
		// The query, and what follows the '?', is sent with its '\'.
		{`http://evil.example\a\b?q=c:\d\e`, "http://evil.example/a/b?q=c:\\d\\e"},
		{`http://evil.example?x=\y`, "http://evil.example?x=\\y"},
		{`evil.example\a?p=\q\`, "evil.example/a?p=\\q\\"},
		{`http://evil.example/a\b#c\d`, "http://evil.example/a/b"},
		// Another scheme keeps the '\' of its path.
		{`gopher://evil.example/a\b`, "gopher://evil.example/a\\b"},
		{`ftps://evil.example/a\b?c\d`, "ftps://evil.example/a\\b?c\\d"},
		// After a special scheme's ':', every '/' and '\' is skipped.
		{`http:\\evil.example\x`, "http://evil.example/x"},
		{`HTTPS:/\evil.example`, "https://evil.example"},
		{`http://\evil.example/`, "http://evil.example/"},
		{`http:///evil.example/x`, "http://evil.example/x"},
		{`gopher:\\evil.example/x`, ""},
		{`http:\evil.example`, ""},
		// The host of a special URL must not be empty, nor another
		// scheme's authority hold a '\'.
		{`http:\\\`, ""},
		{`http://user@\evil.example/`, ""},
		{`\evil.example`, ""},
		{`gopher://evil.example\a`, ""},
		{`gopher://good.example\@evil.example/`, ""},
	}
	checkCanonicalURLs(t, tests)
}

// TestURLDotSegments: in a URL of a special scheme, or without one, a
// browser resolves the "." and ".." segments of the path (and their
// percent-encoded forms, in any case) before it sends the request, as the
// WHATWG URL path state does: ".." above the root stays at the root, and
// a last "." or ".." leaves a trailing '/'. A segment that only holds
// dots among other text, the query and another scheme's path are kept.
func TestURLDotSegments(t *testing.T) {
	tests := []urlCase{
		{"http://evil.example/a/../b", "http://evil.example/b"},
		{"http://evil.example/a/./b", "http://evil.example/a/b"},
		{"http://evil.example/%2e%2e/b", "http://evil.example/b"},
		{"http://evil.example/a/b/%2E%2e/c", "http://evil.example/a/c"},
		{"http://evil.example/a/b/.%2E/c", "http://evil.example/a/c"},
		{"http://evil.example/a/b/%2e./c", "http://evil.example/a/c"},
		{"http://evil.example/a/%2E/b", "http://evil.example/a/b"},
		{"http://evil.example/../../x", "http://evil.example/x"},
		{"http://evil.example/..", "http://evil.example/"},
		{"http://evil.example/a/..", "http://evil.example/"},
		{"http://evil.example/a/b/..", "http://evil.example/a/"},
		{"http://evil.example/a/.", "http://evil.example/a/"},
		{"http://evil.example/a/./", "http://evil.example/a/"},
		{"http://evil.example/a/../", "http://evil.example/"},
		{"http://evil.example/a//../b", "http://evil.example/a/b"},
		{"http://evil.example/a/..?x=../y", "http://evil.example/?x=../y"},
		{"http://evil.example/a/./?x", "http://evil.example/a/?x"},
		{`http://evil.example\a\..\b`, "http://evil.example/b"},
		{"HTTPS://Evil.Example:443/a/../gate.php", "https://evil.example/gate.php"},
		{"ftp://evil.example/pub/../f.exe", "ftp://evil.example/f.exe"},
		{"ws://evil.example/./s", "ws://evil.example/s"},
		{"file://evil.example/C:/../x", "file://evil.example/C:/x"},
		{"file://evil.example/a/../x", "file://evil.example/x"},
		{"evil.example/a/../b", "evil.example/b"},
		{"evil.example:8080/./x", "evil.example:8080/x"},
		{"hxxp://evil[.]example/a/%2e%2e/b", "http://evil.example/b"},
		// Not dot segments.
		{"http://evil.example/a/.../b", "http://evil.example/a/.../b"},
		{"http://evil.example/a/..b/.c/%2e%2e%2e", "http://evil.example/a/..b/.c/%2e%2e%2e"},
		{"http://evil.example/a/%2e%2fb", "http://evil.example/a/%2e%2fb"},
		{"http://evil.example", "http://evil.example"},
		{"http://evil.example?u=/a/../b", "http://evil.example?u=/a/../b"},
		// Another scheme's path is kept.
		{"gopher://evil.example/a/../b", "gopher://evil.example/a/../b"},
	}
	checkCanonicalURLs(t, tests)
}

// TestURLPercentEncoding: in a URL of a special scheme, or without one, a
// browser percent-encodes the WHATWG path percent-encode set in the path
// ('"', '<', '>', '^', '`', '{', '}', non-ASCII as its UTF-8 bytes) and
// the special-query percent-encode set in the query ('"', '<', '>', single quote,
// non-ASCII), with upper-case hex; a '%', its escapes and every other
// character are sent as they are. Another scheme's path and query are kept.
func TestURLPercentEncoding(t *testing.T) {
	tests := []urlCase{
		{`http://evil.example/a"b<c>d`, "http://evil.example/a%22b%3Cc%3Ed"},
		{"http://evil.example/{x}^`y`", "http://evil.example/%7Bx%7D%5E%60y%60"},
		{"http://evil.example/straße", "http://evil.example/stra%C3%9Fe"},
		{"http://evil.example/ü?q=ü", "http://evil.example/%C3%BC?q=%C3%BC"},
		{"http://evil.example/a'b?q='x'", "http://evil.example/a'b?q=%27x%27"},
		{`http://evil.example/p?q="<>"&r={}^` + "`", "http://evil.example/p?q=%22%3C%3E%22&r={}^`"},
		{"http://evil.example/%7e%zz%/%C3%BC?a=%41%", "http://evil.example/%7e%zz%/%C3%BC?a=%41%"},
		{"http://evil.example/!$&()*+,;=:@~|[]", "http://evil.example/!$&()*+,;=:@~|[]"},
		{"evil.example/ä?b='c'", "evil.example/%C3%A4?b=%27c%27"},
		{"https://bücher.example/ä", "https://xn--bcher-kva.example/%C3%A4"},
		{"http://evil.example?q=<x>", "http://evil.example?q=%3Cx%3E"},
		// Dots resolved after encoding: "%2E" is a dot segment, "%C3%A4." not.
		{"http://evil.example/ä./../b", "http://evil.example/b"},
		// Another scheme's path and query are kept.
		{"gopher://evil.example/ä?q='x'", "gopher://evil.example/ä?q='x'"},
	}
	checkCanonicalURLs(t, tests)
}

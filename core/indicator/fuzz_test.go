package indicator

import (
	"strings"
	"testing"
)

func FuzzCanonicalName(f *testing.F) {
	fuzzIdempotent(f, CanonicalName, "evil.example", "Bücher.example.", "_x.y", "a..b", "xn--bcher-kva.example")
}

func FuzzCanonicalURL(f *testing.F) {
	fuzzIdempotent(f, CanonicalURL, "http://evil.example/a?b=c", "evil.example:80/x", "http://[::1]/", "hxxp://a[.]b/c", `http:\\a.example\b?c\d`)
}

// FuzzURLBackslashOnlyInQuery: a URL of a special scheme, or without one,
// is accepted with a '\' only in its query, where a browser sends it; a
// '\' before it is a '/' to the browser, and the entry would never match.
func FuzzURLBackslashOnlyInQuery(f *testing.F) {
	for _, s := range []string{`http://a.example/b\c?d\e`, `a.example\@b.example`, `wss://a.example\b`, `gopher://a.example/b\c`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := CanonicalURL(s)
		if err != nil {
			return
		}
		if scheme, _ := SplitScheme(c); scheme != "" && !specialScheme(scheme) {
			return
		}
		if q := strings.IndexByte(c, '?'); q >= 0 {
			c = c[:q]
		}
		if strings.IndexByte(c, '\\') >= 0 {
			t.Fatalf("%q accepted as %q, with a '\\' before its query", s, c)
		}
	})
}

// FuzzURLAsBrowserSends: a URL of a special scheme, or without one, is
// accepted as a browser sends it: no dot segment in its path, and no byte
// a browser percent-encodes in its path or query.
func FuzzURLAsBrowserSends(f *testing.F) {
	for _, s := range []string{"http://a.example/b/../c", "a.example/%2E/ä?q='x'", `http://a.example\..\b`, "file://a.example/C:/.."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := CanonicalURL(s)
		if err != nil {
			return
		}
		scheme, rest := SplitScheme(c)
		if scheme != "" && !specialScheme(scheme) {
			return
		}
		path, query, _ := strings.Cut(rest, "?")
		_, path, _ = strings.Cut(path, "/")
		for _, seg := range strings.Split(path, "/") {
			if singleDotSegment(seg) || doubleDotSegment(seg) {
				t.Fatalf("%q accepted as %q, with the dot segment %q", s, c, seg)
			}
		}
		if i := strings.IndexFunc(path, func(r rune) bool { return r > 0x7e || pathEscaped(byte(r)) }); i >= 0 {
			t.Fatalf("%q accepted as %q, with %q unescaped in its path", s, c, path[i:])
		}
		if i := strings.IndexFunc(query, func(r rune) bool { return r > 0x7e || queryEscaped(byte(r)) }); i >= 0 {
			t.Fatalf("%q accepted as %q, with %q unescaped in its query", s, c, query[i:])
		}
	})
}

// FuzzOneLineValues: a URL, an e-mail address or a one-line text that is
// accepted holds no character any common line reader breaks at, and a
// URL or address no space or control character at all.
func FuzzOneLineValues(f *testing.F) {
	for _, s := range []string{"http://a.example/x\u2028y", "x\u0085y@a.example", "a\fb", "http://a.example/\u00a0", "plain text"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, canon := range map[string]func(string) (string, error){"url": CanonicalURL, "email": CanonicalEmail, "line": CanonicalLine} {
			c, err := canon(s)
			if err != nil {
				continue
			}
			if strings.ContainsAny(c, LineBreaks+"\x00") {
				t.Fatalf("%s %q accepted as %q, which spans lines", name, s, c)
			}
			if name != "line" && (wideSpaceOrControl(c) || strings.ContainsFunc(c, func(r rune) bool { return r <= ' ' || r == 0x7f })) {
				t.Fatalf("%s %q accepted as %q, which holds a space or control character", name, s, c)
			}
		}
	})
}

// fuzzIdempotent fuzzes canon from seeds: a value it accepts must come back
// unchanged when its canonical form is canonicalised again.
func fuzzIdempotent(f *testing.F, canon func(string) (string, error), seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := canon(s)
		if err != nil {
			return
		}
		again, err := canon(c)
		if err != nil || again != c {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", s, c, again, err)
		}
	})
}

func FuzzCanonicalIP(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "10.0.0.1/8", "::ffff:1.2.3.4/120", "fe80::1%eth0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := CanonicalIP(s)
		if err != nil {
			return
		}
		_, text := ipType(p, s)
		// Given its own text back, it answers the same text.
		if _, same := ipType(p, text); same != text {
			t.Fatalf("%q: text %q, given it back %q", s, text, same)
		}
		// The value given is reused only when it is the text.
		if _, plain := ipType(p, ""); plain != text {
			t.Fatalf("%q: text %q, %q without the value", s, text, plain)
		}
		again, err := CanonicalIP(text)
		if err != nil || again != p {
			t.Fatalf("not idempotent: %q -> %q -> %v (%v)", s, text, again, err)
		}
	})
}

package jsonstr

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAppend(t *testing.T) {
	tests := []struct {
		name, in, want string
		decodes        bool // the JSON decodes back to in
	}{
		{"empty", "", `""`, true},
		{"plain", "abc /v1/feed?x=1", `"abc /v1/feed?x=1"`, true},
		{"quotes and backslash", `a"b\c`, `"a\"b\\c"`, true},
		{"controls", "\x00\x07\t\n\r\x1f\x7f", `"\u0000\u0007\t\n\r\u001f` + "\x7f\"", true},
		{"html", "<a href='x'>&</a>", `"<a href='x'>&</a>"`, true},
		{"unicode", "Ünïcödé 日本 🎉", `"Ünïcödé 日本 🎉"`, true},
		{"separators", "a\u2028b\u2029c", `"a\u2028b\u2029c"`, true},
		{"forged record", "x\n{\"level\":\"ERROR\"}", `"x\n{\"level\":\"ERROR\"}"`, true},
		{"invalid UTF-8", "a\xffb, cut \xe2\x9c", `"a\ufffdb, cut \ufffd\ufffd"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(Append(nil, tt.in))
			if got != tt.want {
				t.Errorf("Append(%q) = %s, want %s", tt.in, got, tt.want)
			}
			var back string
			if err := json.Unmarshal([]byte(got), &back); err != nil {
				t.Fatalf("%s is not a JSON string: %v", got, err)
			}
			if tt.decodes && back != tt.in {
				t.Errorf("%s decodes to %q, want %q", got, back, tt.in)
			}
		})
	}
}

// AppendPHP differs from Append only in \b, \f and invalid UTF-8.
func TestAppendPHP(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "abc /v1/feed?x=1", `"abc /v1/feed?x=1"`},
		{"quotes and backslash", `a"b\c`, `"a\"b\\c"`},
		{"controls", "\x00\x07\b\f\t\n\r\x1f\x7f", `"\u0000\u0007\b\f\t\n\r\u001f` + "\x7f\""},
		{"unicode and separators", "Ünï 日本 🎉 a\u2028b\u2029c", `"Ünï 日本 🎉 a\u2028b\u2029c"`},
		{"invalid UTF-8", "a\xffb, cut \xe2\x9c", "\"a\ufffdb, cut \ufffd\ufffd\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendPHP(nil, tt.in)); got != tt.want {
				t.Errorf("AppendPHP(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

// TestAppendEscapedAsRuneByRune compares AppendEscaped and AppendEscapedPHP
// with a rune-by-rune reading of their contract on random strings of
// plain text, quotes, controls, separators, non-ASCII and invalid UTF-8,
// so that every kind of byte falls at every place of an eight-byte block.
func TestAppendEscapedAsRuneByRune(t *testing.T) {
	pieces := []string{"a", "Z", "/v1/feed", " ", "~", "\x7f", `"`, `\`, "\n", "\r", "\t", "\b", "\f", "\x00", "\x1f",
		"é", "日本", "🎉", "\u2028", "\u2029", "\xff", "\xe2\x9c", "\xc3", "\x80", "<&>", "0123456789"}
	r := rand.New(rand.NewPCG(3, 5))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := string(AppendEscaped(nil, s)), escapedRuneByRune(s, false); got != want {
			t.Fatalf("AppendEscaped(%q) = %q, want %q", s, got, want)
		}
		if got, want := string(AppendEscapedPHP(nil, s)), escapedRuneByRune(s, true); got != want {
			t.Fatalf("AppendEscapedPHP(%q) = %q, want %q", s, got, want)
		}
	}
}

func escapedRuneByRune(s string, php bool) string {
	var b strings.Builder
	for len(s) > 0 {
		c, size := utf8.DecodeRuneInString(s)
		raw := s[:size]
		s = s[size:]
		switch {
		case c == utf8.RuneError && size == 1 && php:
			b.WriteString("\ufffd")
		case c == utf8.RuneError && size == 1:
			b.WriteString(`\ufffd`)
		case c == '"' || c == '\\':
			b.WriteString(`\` + raw)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case php && c == '\b':
			b.WriteString(`\b`)
		case php && c == '\f':
			b.WriteString(`\f`)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		case c == '\u2028' || c == '\u2029':
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteString(raw)
		}
	}
	return b.String()
}

// BenchmarkAppendEscaped escapes an access line's strings: a list path,
// a route and a user agent, none of which needs escaping.
func BenchmarkAppendEscaped(b *testing.B) {
	strs := []string{"/v1/feed/incident/type/ipv4/age/10y/output/txt", "/v1/feed/:feed/type/:type/age/:age/output/:output", "curl/8.5.0", "127.0.0.1", "HIT"}
	buf := make([]byte, 0, 512)
	for range b.N {
		buf = buf[:0]
		for _, s := range strs {
			buf = Append(buf, s)
		}
	}
}

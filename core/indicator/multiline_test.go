package indicator

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestMultiLineAsContainsAny checks MultiLine against strings.ContainsAny
// with LineBreaks for values holding each byte, and each line break or
// other rune, at the start, the middle and the end, and after invalid
// UTF-8.
func TestMultiLineAsContainsAny(t *testing.T) {
	var pieces []string
	for c := range 256 {
		pieces = append(pieces, string([]byte{byte(c)}))
	}
	for _, r := range LineBreaks + "é\u2027\u202a\u0084\u0086\ufffd" {
		pieces = append(pieces, string(r))
	}
	pieces = append(pieces, "\xe2\x80", "\xc2", "\xe2\x80\xa8"[1:])
	for _, p := range pieces {
		for _, v := range []string{p, "198.51.100.1" + p, p + "example.com", "a" + p + "b", "\xff" + p, "\xe2" + p, "é" + p} {
			want := strings.ContainsAny(v, LineBreaks)
			if got := (Indicator{Value: v}).MultiLine(); got != want {
				t.Errorf("MultiLine(%q) = %v, want %v (valid UTF-8: %v)", v, got, want, utf8.ValidString(v))
			}
		}
	}
}

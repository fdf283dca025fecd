package jsonstr

import (
	"encoding/json"
	"testing"
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

package indicator

import (
	"errors"
	"testing"
)

// TestNameEndingInANumber: a name whose last label a URL parser reads as
// a number is an IPv4 address to browsers ("1.2.3.0x4" is 1.2.3.4), or
// no host at all, never the name: it is refused, as a URL host too.
func TestNameEndingInANumber(t *testing.T) {
	tests := []struct {
		canon func(string) (string, error)
		in    string
		want  string // "" when refused
	}{
		{CanonicalName, "1.2.3.0x4", ""},
		{CanonicalName, "0x7f.0.0.0X1", ""},
		{CanonicalName, "evil.0x", ""},
		{CanonicalName, "evil.0xff.", ""},
		{CanonicalName, "evil.example.123", ""},
		{CanonicalHost, "c2.evil.0x1f:8080", ""},
		{CanonicalURL, "http://1.2.3.0x4/gate.php", ""},
		{CanonicalURL, "0xc0.0xa8.0.0x1/admin", ""},
		{CanonicalEmail, "a@mail.0xa", ""},
		// A last label that is no number is a name.
		{CanonicalName, "evil.0xg", "evil.0xg"},
		{CanonicalName, "evil.x0", "evil.x0"},
		{CanonicalName, "0x7f.example", "0x7f.example"},
		{CanonicalName, "evil.0b1", "evil.0b1"},
		{CanonicalURL, "http://0x1.evil.example/", "http://0x1.evil.example/"},
	}
	for _, tt := range tests {
		got, err := tt.canon(tt.in)
		if tt.want == "" {
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("%q: got %q, %v; want ErrSyntax", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q: got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// TestNameTrailingWideDot: an ideographic or fullwidth full stop is a dot
// to browsers and resolvers (UTS 46), at the end of a name too: the name
// it ends is that name, as with a trailing '.'; two trailing dots are none.
func TestNameTrailingWideDot(t *testing.T) {
	tests := []struct {
		canon func(string) (string, error)
		in    string
		want  string // "" when refused
	}{
		{CanonicalName, "evil.example\u3002", "evil.example"},
		{CanonicalName, "EVIL.example\uff0e", "evil.example"},
		{CanonicalName, "b\u00fccher.example\uff61", "xn--bcher-kva.example"},
		{CanonicalHost, "c2.evil.example\u3002:8080", "c2.evil.example"},
		{CanonicalURL, "http://evil.example\u3002/gate.php", "http://evil.example/gate.php"},
		{CanonicalEmail, "a@evil.example\uff0e", "a@evil.example"},
		{CanonicalName, "evil.example.\u3002", ""},
		{CanonicalName, "evil.example\u3002.", ""},
		{CanonicalName, "evil.example\u3002\u3002", ""},
		{CanonicalName, "\u3002", ""},
	}
	for _, tt := range tests {
		got, err := tt.canon(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("%q: got %q; want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q: got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

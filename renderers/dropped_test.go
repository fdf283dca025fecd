package renderers

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
)

func TestDroppedHeader(t *testing.T) {
	tests := []struct {
		in   map[string]int
		want string
	}{
		{nil, ""},
		{map[string]int{"b reason": 2, "a reason": 1}, "a reason=1, b reason=2"},
		{map[string]int{"x,y;z=w": 3}, "x y z w=3"},
		// A plugin's reason may hold any byte: a control character in a
		// header makes Go's HTTP client refuse the whole answer.
		{map[string]int{"bad\x01value\x00\x7f\ttab": 4}, "bad value   tab=4"},
	}
	for _, tc := range tests {
		got := DroppedHeader(tc.in)
		if got != tc.want {
			t.Errorf("DroppedHeader(%v) = %q, want %q", tc.in, got, tc.want)
		}
		raw := "HTTP/1.1 200 OK\r\nX-Cratos-Dropped: " + got + "\r\nContent-Length: 0\r\n\r\n"
		if _, err := http.ReadResponse(bufio.NewReader(strings.NewReader(raw)), nil); err != nil {
			t.Errorf("DroppedHeader(%v) = %q, which an HTTP client refuses: %v", tc.in, got, err)
		}
	}
}

package server

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestAppendJSONString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"plain ascii /v1/feed?x=1&y=<2>", `"plain ascii /v1/feed?x=1&y=<2>"`},
		{`quote " backslash \`, `"quote \" backslash \\"`},
		{"line\nfeed\rtab\tnul\x00bell\x07esc\x1f", `"line\nfeed\rtab\tnul\u0000bell\u0007esc\u001f"`},
		{"déjà vu ✓ 𝄞", `"déjà vu ✓ 𝄞"`},
		{"bad \xff byte, cut \xe2\x9c", `"bad \ufffd byte, cut \ufffd\ufffd"`},
		{"sep\u2028par\u2029end", `"sep\u2028par\u2029end"`},
		{"\x7f", "\"\x7f\""},
	}
	for _, tt := range tests {
		got := string(appendJSONString(nil, tt.in))
		if got != tt.want {
			t.Errorf("appendJSONString(%q) = %s, want %s", tt.in, got, tt.want)
		}
		var back string
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Errorf("%s is not a JSON string: %v", got, err)
		} else if !strings.ContainsRune(tt.in, 0xfffd) && !strings.Contains(tt.in, "\xff") && !strings.Contains(tt.in, "\xe2\x9c") && back != tt.in {
			t.Errorf("%s decodes to %q, want %q", got, back, tt.in)
		}
	}
}

func TestJSONLine(t *testing.T) {
	var l jsonLine
	for range 2 { // the buffer is reused
		l.start(time.Date(2026, 11, 23, 2, 53, 42, 570391163, time.UTC), "request")
		l.str("ua", "curl/8\n{\"level\":\"ERROR\"}")
		l.int("status", 304)
		l.float("ms", 0.029)
		got := string(l.end())
		want := `{"time":"2026-11-23T02:53:42.570391163Z","level":"INFO","msg":"request","ua":"curl/8\n{\"level\":\"ERROR\"}","status":304,"ms":0.029}` + "\n"
		if got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	}
}

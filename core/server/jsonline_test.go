package server

import (
	"testing"
	"time"
)

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

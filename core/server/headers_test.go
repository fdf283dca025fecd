package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
)

// rawRequest sends request bytes as they are and returns the status line.
func rawRequest(t *testing.T, base, request string) string {
	t.Helper()
	lines := rawHeader(t, base, request)
	if len(lines) == 0 {
		return ""
	}
	return strings.TrimSpace(lines[0])
}

func TestControlCharactersInHeadersAreRefused(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name, header string
		want         string
	}{
		{"bare CR", "X-Note: a\rb", "HTTP/1.1 400 Bad Request"},
		{"NUL", "X-Note: a\x00b", "HTTP/1.1 400 Bad Request"},
		{"CR in the token", "token: " + h.token[:10] + "\r" + h.token[10:], "HTTP/1.1 400 Bad Request"},
		{"plain", "X-Note: a b", "HTTP/1.1 200 OK"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := rawRequest(t, h.base, "GET /v1/status?sites=0 HTTP/1.1\r\nHost: x\r\n"+tc.header+"\r\nConnection: close\r\n\r\n")
			if got != tc.want {
				t.Errorf("status line %q, want %q", got, tc.want)
			}
		})
	}
}

// TestAcceptEncoding checks which Accept-Encoding values get the gzip form:
// a q of 0 refuses it whatever the case of its parameter name.
func TestAcceptEncoding(t *testing.T) {
	h := newHarness(t, withSite(func(s *config.Site) { s.Guard.AllowReserved = true }))
	const path = "/v1/feed/block/type/ipv4ext/age/1y/output/txt"
	for _, tc := range []struct{ accept, want string }{
		{"gzip", "gzip"},
		{"GZip", "gzip"},
		{"deflate, gzip;q=0.5", "gzip"},
		{"gzip;q=0", ""},
		{"gzip; q=0.000", ""},
		{"gzip;Q=0", ""},
		{"br, gzip;Q=0, deflate", ""},
		{"identity", ""},
		{"", ""},
	} {
		resp, _ := h.authed(path, "Accept-Encoding", tc.accept)
		if got := resp.Header.Get("Content-Encoding"); resp.StatusCode != 200 || got != tc.want {
			t.Errorf("Accept-Encoding %q: %d, Content-Encoding %q, want %q", tc.accept, resp.StatusCode, got, tc.want)
		}
	}
}

// TestLastModifiedNotAfterDate checks that a list fetched by a clock ahead
// of the server's (set back since, or another replica's) is not dated
// after the answer: Last-Modified is never later than Date (which fasthttp
// takes from a clock it reads once a second, hence the second allowed).
func TestLastModifiedNotAfterDate(t *testing.T) {
	h := newHarness(t, withExportClock(func() time.Time { return time.Now().Add(time.Hour) }))
	const path = "/v1/feed/block/type/ipv4/age/1y/output/txt"
	for _, hdr := range [][]string{nil, {"If-None-Match", `"other"`}} {
		resp, _ := h.authed(path, hdr...)
		date, err1 := http.ParseTime(resp.Header.Get("Date"))
		lm, err2 := http.ParseTime(resp.Header.Get("Last-Modified"))
		if resp.StatusCode != 200 || err1 != nil || err2 != nil || lm.After(date.Add(time.Second)) {
			t.Errorf("%d: Last-Modified %q, Date %q", resp.StatusCode, resp.Header.Get("Last-Modified"), resp.Header.Get("Date"))
		}
	}
}

package server_test

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/config"
)

// gzipListPath is a list long enough to have a gzip form.
const gzipListPath = "/v1/feed/block/type/ipv4ext/age/1y/output/txt"

// TestGzipFormHasItsOwnETag: a list's gzip form is another representation
// with its own strong ETag; If-None-Match with either form's tag gets a
// 304 carrying the tag of the form the client would get, and other tags a
// 200, from the route, the shortcut and HEAD alike.
func TestGzipFormHasItsOwnETag(t *testing.T) {
	h := newHarness(t, withSite(func(s *config.Site) { s.Guard.AllowReserved = true }))
	plain, _ := h.authed(gzipListPath)
	zipped, _ := h.authed(gzipListPath, "Accept-Encoding", "gzip")
	etag, gzETag := plain.Header.Get("ETag"), zipped.Header.Get("ETag")
	if zipped.Header.Get("Content-Encoding") != "gzip" || gzETag != strings.TrimSuffix(etag, `"`)+`-gzip"` {
		t.Fatalf("identity ETag %s, gzip form's %s (Content-Encoding %q)", etag, gzETag, zipped.Header.Get("Content-Encoding"))
	}
	for _, tc := range []struct {
		name, inm, accept string
		status            int
		etag              string
	}{
		{"identity tag, identity client", etag, "", 304, etag},
		{"identity tag, gzip client", etag, "gzip", 304, gzETag},
		{"gzip tag, gzip client", gzETag, "gzip", 304, gzETag},
		{"gzip tag, identity client", gzETag, "", 304, etag},
		{"weak gzip tag among others", `"x", W/` + gzETag, "gzip", 304, gzETag},
		{"an older list's tags, identity client", `"x", "x-gzip"`, "", 200, etag},
		{"an older list's tags, gzip client", `"x", "x-gzip"`, "gzip", 200, gzETag},
	} {
		h.srv.ForgetListTargets()
		for _, method := range []string{"GET", "GET", "HEAD"} { // the route, the shortcut, HEAD
			before := h.srv.ShortcutAnswers()
			resp, body := h.do(method, gzipListPath, "token", h.token, "If-None-Match", tc.inm, "Accept-Encoding", tc.accept)
			by := map[bool]string{false: "the route", true: "the shortcut"}[h.srv.ShortcutAnswers() != before]
			if resp.StatusCode != tc.status || resp.Header.Get("ETag") != tc.etag || resp.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("%s, %s by %s: %d, ETag %s, Vary %q; want %d, ETag %s", tc.name, method, by,
					resp.StatusCode, resp.Header.Get("ETag"), resp.Header.Get("Vary"), tc.status, tc.etag)
			}
			if tc.status == 304 && body != "" {
				t.Errorf("%s, %s by %s: a 304 with a body", tc.name, method, by)
			}
		}
	}
}

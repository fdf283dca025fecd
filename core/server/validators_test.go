package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

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
			if resp.StatusCode == 304 && body != "" {
				t.Errorf("%s, %s by %s: a 304 with a body", tc.name, method, by)
			}
		}
	}
}

// TestIfModifiedSince: without If-None-Match, a valid If-Modified-Since
// at or after the list's date gets a 304 (RFC 9110 section 13.2.2), from
// the route, the shortcut and HEAD alike; an earlier or unparsable date a
// 200; If-None-Match, when sent, decides alone.
func TestIfModifiedSince(t *testing.T) {
	h := newHarness(t)
	first, _ := h.authed(feedPath)
	lm, err := http.ParseTime(first.Header.Get("Last-Modified"))
	if err != nil {
		t.Fatalf("Last-Modified %q: %v", first.Header.Get("Last-Modified"), err)
	}
	etag, date := first.Header.Get("ETag"), lm.Format(http.TimeFormat)
	for _, tc := range []struct {
		name    string
		headers []string
		status  int
	}{
		{"Last-Modified", []string{"If-Modified-Since", date}, 304},
		{"a day later", []string{"If-Modified-Since", lm.Add(24 * time.Hour).Format(http.TimeFormat)}, 200},
		{"a second later", []string{"If-Modified-Since", lm.Add(time.Second).Format(http.TimeFormat)}, 200},
		{"RFC 850 date", []string{"If-Modified-Since", lm.Format("Monday, 02-Jan-06 15:04:05 GMT")}, 304},
		{"asctime date", []string{"If-Modified-Since", lm.Format(time.ANSIC)}, 304},
		{"a second earlier", []string{"If-Modified-Since", lm.Add(-time.Second).Format(http.TimeFormat)}, 200},
		{"not a date", []string{"If-Modified-Since", "yesterday"}, 200},
		{"another tag first", []string{"If-None-Match", `"other"`, "If-Modified-Since", date}, 200},
		{"the tag first", []string{"If-None-Match", etag, "If-Modified-Since", lm.Add(-time.Hour).Format(http.TimeFormat)}, 304},
	} {
		h.srv.ForgetListTargets()
		for _, method := range []string{"GET", "GET", "HEAD"} { // the route, the shortcut, HEAD
			resp, body := h.do(method, feedPath, append([]string{"token", h.token}, tc.headers...)...)
			if resp.StatusCode != tc.status || resp.Header.Get("ETag") != etag || resp.Header.Get("Last-Modified") != date {
				t.Errorf("%s, %s: %d, ETag %s, Last-Modified %s; want %d", tc.name, method, resp.StatusCode,
					resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), tc.status)
			}
			if resp.StatusCode == 304 && body != "" {
				t.Errorf("%s, %s: a 304 with a body", tc.name, method)
			}
		}
	}
}

// TestIfModifiedSinceOfAListDatedAhead: a list dated after the answer
// (fetched by a clock ahead, its Last-Modified capped at the answer's
// time) is never reported unchanged by date: the capped Last-Modified is
// not its date, and no client has been sent its date.
func TestIfModifiedSinceOfAListDatedAhead(t *testing.T) {
	ahead := time.Now().Add(time.Hour)
	h := newHarness(t, withExportClock(func() time.Time { return ahead }))
	first, _ := h.authed(feedPath)
	for _, date := range []string{first.Header.Get("Last-Modified"), ahead.UTC().Format(http.TimeFormat), ahead.Add(time.Hour).UTC().Format(http.TimeFormat)} {
		if resp, _ := h.authed(feedPath, "If-Modified-Since", date); resp.StatusCode != 200 {
			t.Errorf("If-Modified-Since %s: %d, want 200", date, resp.StatusCode)
		}
	}
}

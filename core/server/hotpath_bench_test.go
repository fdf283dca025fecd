package server_test

import (
	"io"
	"net"
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkHotPath runs cache-hit list requests through the server's
// handler (the list shortcut answers them) in process, without sockets, so that ns/op and allocs/op are
// the server's own per-request cost: authentication, routing, the cache
// look-up, the answer's headers, the pull record, the metrics and the
// access log line. The line is written to io.Discard: a buffer that
// grows with every request would measure its own copying.
func BenchmarkHotPath(b *testing.B) {
	h := newHarness(b, withAccessLog(io.Discard))
	resp, _ := h.authed(feedPath)
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if resp.StatusCode != 200 || etag == "" {
		b.Fatalf("warm-up: status %d, ETag %q", resp.StatusCode, etag)
	}
	// A list long enough to have a gzip form, with its own ETag.
	const zipped = "/v1/feed/block/type/ipv4/age/1y/output/suricata"
	resp, _ = h.authed(zipped, "Accept-Encoding", "gzip")
	gzETag := resp.Header.Get("ETag")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		b.Fatalf("warm-up: %s has no gzip form", zipped)
	}
	handler := h.app.Server().Handler // the list shortcut, then fiber
	peer := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
	for _, tc := range []struct {
		name    string
		path    string
		headers []string
		status  int
	}{
		{"304", feedPath, []string{"If-None-Match", etag}, 304},
		{"304 gzip", zipped, []string{"If-None-Match", gzETag, "Accept-Encoding", "gzip"}, 304},
		{"304 by date", feedPath, []string{"If-Modified-Since", lm}, 304},
		{"identity", feedPath, nil, 200},
		{"gzip", feedPath, []string{"Accept-Encoding", "gzip"}, 200},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var req fasthttp.Request
			req.Header.SetMethod("GET")
			req.SetRequestURI(tc.path)
			req.Header.Set("token", h.token)
			req.Header.Set("User-Agent", "bench/1")
			for i := 0; i+1 < len(tc.headers); i += 2 {
				req.Header.Set(tc.headers[i], tc.headers[i+1])
			}
			var ctx fasthttp.RequestCtx
			b.ReportAllocs()
			for b.Loop() {
				ctx.Init(&req, peer, nil)
				handler(&ctx)
				if got := ctx.Response.StatusCode(); got != tc.status {
					b.Fatalf("status %d, want %d", got, tc.status)
				}
			}
		})
	}
}

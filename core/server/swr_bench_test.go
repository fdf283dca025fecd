package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
)

// BenchmarkPullAcrossExpiry is a device pulling a list every 250 ms (one
// request at a time) for 35 s after its first build, across two
// expiries of ?cache=15, while MISP takes 10 s to answer each restSearch.
// It reports the latency of those pulls: with stale-while-revalidate and
// refresh-ahead ("swr") and with max_stale_seconds: -1 ("wait", a device
// waits for the rebuild). One iteration takes about 50 s: run with
// -benchtime 1x.
func BenchmarkPullAcrossExpiry(b *testing.B) {
	const (
		mispDelay = 10 * time.Second
		every     = 250 * time.Millisecond
		span      = 35 * time.Second
		path      = "/v1/feed/block/type/ipv4/age/1y/output/txt?cache=15"
	)
	for _, mode := range []struct {
		name     string
		maxStale int
	}{{"swr", 0}, {"wait", -1}} {
		b.Run(mode.name, func(b *testing.B) {
			for range b.N {
				h := newHarness(b, withSite(func(s *config.Site) { s.MISPTimeoutSeconds, s.MaxStaleSeconds = 60, mode.maxStale }))
				slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/attributes/restSearch" {
						select {
						case <-time.After(mispDelay):
						case <-r.Context().Done():
							return
						}
					}
					h.sim.ServeHTTP(w, r)
				}))
				cl := h.claims
				fmt.Sscanf(slow.URL[strings.LastIndexByte(slow.URL, ':')+1:], "%d", &cl.Port)
				token := h.mint(cl)
				if resp, body := h.get(path, "token", token); resp.StatusCode != 200 {
					b.Fatalf("first build: %d %s", resp.StatusCode, body)
				}
				h.sim.ResetRequests()
				var lat []time.Duration
				status := map[string]int{}
				b.ResetTimer()
				for end := time.Now().Add(span); time.Now().Before(end); {
					start := time.Now()
					resp, body := h.get(path, "token", token)
					d := time.Since(start)
					if resp.StatusCode != 200 {
						b.Fatalf("pull: %d %s", resp.StatusCode, body)
					}
					lat = append(lat, d)
					status[resp.Header.Get("X-Cache")]++
					if d < every {
						time.Sleep(every - d)
					}
				}
				b.StopTimer()
				slices.Sort(lat)
				q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
				b.ReportMetric(q(0.5), "p50-ms")
				b.ReportMetric(q(0.99), "p99-ms")
				b.ReportMetric(q(1), "max-ms")
				b.ReportMetric(float64(len(lat)), "pulls")
				b.ReportMetric(float64(h.sim.RestSearchCount()), "misp-searches")
				b.Logf("X-Cache counts: %v", status)
				slow.CloseClientConnections()
				slow.Close()
			}
		})
	}
}

package export

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/cratos-project/cratos/renderers/rpz"
)

// waiting counts the requests waiting for builds.
func (s *Service) waiting() int {
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	n := 0
	for _, w := range s.limits.waiting {
		n += w.n
	}
	return n
}

// Concurrent cold requests for one list cause one MISP query, and all get
// the list it built.
func TestColdRequestsShareOneBuild(t *testing.T) {
	rig := newSWRRig(t, newGatedMISP(t), Options{})
	rig.misp.hold()
	const n = 8
	results := make([]Result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = rig.svc.Get(context.Background(), rig.req)
		}()
	}
	deadline := time.Now().Add(60 * time.Second)
	for rig.svc.waiting() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d requests joined the build within 60 s", rig.svc.waiting(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	rig.misp.release()
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("request %d: %v", i, errs[i])
		}
		if results[i].Status != Miss || results[i].Artifact != results[0].Artifact {
			t.Fatalf("request %d: %s %s, want the one MISS %s", i, results[i].Status, results[i].ETag, results[0].ETag)
		}
	}
	if got := rig.obs.fetches.Load(); got != 1 {
		t.Fatalf("%d MISP queries for %d concurrent cold requests, want 1", got, n)
	}
	if lines := len(bytes.Split(bytes.TrimSuffix(results[0].Body, []byte("\r\n")), []byte("\r\n"))); results[0].Entries == 0 || lines != results[0].Entries {
		t.Fatalf("built list has %d entries and %d lines", results[0].Entries, lines)
	}
}

// With MISP down, a list past its lifetime is served from the last good
// copy, STALE, with the same bytes and the error.
func TestStaleServedWhenMISPFails(t *testing.T) {
	tests := []struct {
		name string
		set  func(r *Request)
	}{
		{"request waits for the rebuild", func(r *Request) { r.WaitFresh = true }},
		{"site never serves stale while rebuilt", func(r *Request) { r.Site.MaxStaleSeconds = -1 }},
		{"past the maximum staleness", func(r *Request) { r.Site.MaxStaleSeconds = 1 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rig := newSWRRig(t, newGatedMISP(t), Options{})
			tc.set(&rig.req)
			first := rig.get(t, Miss)
			rig.misp.fail.Store(true)
			rig.clock.advance(rig.req.TTL + 2*time.Second)
			res := rig.get(t, Stale)
			if res.Artifact != first.Artifact || !bytes.Equal(res.Body, first.Body) || res.ETag != first.ETag {
				t.Fatalf("stale list %s, want the last good %s", res.ETag, first.ETag)
			}
			if res.Upstream == nil || !strings.Contains(res.Upstream.Error(), "502") {
				t.Fatalf("upstream error %v, want MISP's 502", res.Upstream)
			}
			if got := rig.obs.fetches.Load(); got != 2 {
				t.Fatalf("%d MISP queries, want 2", got)
			}
		})
	}
}

// Rebuilding a list whose content did not change gives the same bytes,
// ETag and date (and zone serial), so pollers keep getting 304s.
func TestRebuildOfEqualContentKeepsETag(t *testing.T) {
	for _, output := range []string{"txt", "rpz"} {
		t.Run(output, func(t *testing.T) {
			rig := newSWRRig(t, newGatedMISP(t), Options{})
			rig.req.Output, rig.req.WaitFresh = output, true
			first := rig.get(t, Miss)
			for i := range 3 {
				rig.clock.advance(rig.req.TTL + time.Minute)
				again := rig.get(t, Miss)
				if !again.Fetched.After(first.Fetched) {
					t.Fatalf("rebuild %d not read from MISP: fetched %v", i, again.Fetched)
				}
				if !bytes.Equal(again.Body, first.Body) || again.ETag != first.ETag || again.ETag != ETagOf(again.Body) || !again.Generated.Equal(first.Generated) {
					t.Fatalf("rebuild %d of equal content: ETag %s generated %v, want %s %v", i, again.ETag, again.Generated, first.ETag, first.Generated)
				}
			}
			if got := rig.obs.fetches.Load(); got != 4 {
				t.Fatalf("%d MISP queries, want 4", got)
			}
			if output == "rpz" {
				serial := strconv.FormatInt(first.Fetched.Unix(), 10)
				if !strings.Contains(string(first.Body), " SOA localhost. hostmaster.localhost. "+serial+" ") {
					t.Fatalf("zone serial is not the content serial %s:\n%.300s", serial, first.Body)
				}
			}
		})
	}
}

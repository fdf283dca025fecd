package export

import (
	"bufio"
	"net"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache/memcachedtest"
	"github.com/cratos-project/cratos/core/config"
)

// flushMemcached empties the memcached at addr, as its restart (or its
// eviction of what a replica wrote) does.
func flushMemcached(t *testing.T, addr string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("flush_all\r\n")); err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(conn).ReadString('\n'); err != nil || line != "OK\r\n" {
		t.Fatalf("flush_all: %q %v", line, err)
	}
}

// withNeverBlock is r after a reload that adds a never_block entry to its
// site: a setting in the list's key.
func withNeverBlock(r Request) Request {
	site := *r.Site
	site.Guard.NeverBlock = config.NeverBlock{Domains: []string{"example.net"}}
	r.Site = &site
	return r
}

// A replica that serves a list another replica built, taken from
// memcached, knows it as the list last served at its URL, whatever
// memcached keeps: after a reload that changes the list's settings, an
// empty answer from MISP is held against it, and MISP failing serves it
// STALE, as on the replica that built it.
func TestTakenListIsTheURLsBaseline(t *testing.T) {
	for _, tc := range []struct {
		name string
		cut  func(m *shrinkingMISP)
		want Status
		held bool
	}{
		{"empty answer held", func(m *shrinkingMISP) { m.keep.Store(0) }, Miss, true},
		{"MISP down served STALE", func(m *shrinkingMISP) { m.down.Store(true) }, Stale, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, _ := memcachedtest.Start(t)
			m := newShrinkingMISP(t)
			builder, taker := newReplica(t, addr), newReplica(t, addr)
			req := anyFeedRequest(m.url, "ipv4", "10y", "txt", time.Hour)
			good, err := builder.svc.Get(t.Context(), req)
			if err != nil || good.Status != Miss || good.Entries < 100 {
				t.Fatalf("build: %v %v, %d entries", good.Status, err, good.Entries)
			}
			taken, err := taker.svc.Get(t.Context(), req)
			if err != nil || taken.Status != Hit || taken.ETag != good.ETag {
				t.Fatalf("taken from memcached: %v %v, ETag %s (want %s)", taken.Status, err, taken.ETag, good.ETag)
			}

			flushMemcached(t, addr)
			req = withNeverBlock(req)
			tc.cut(m)
			res, err := taker.svc.Get(t.Context(), req)
			if err != nil {
				t.Fatalf("after the reload: %v (want the list served before)", err)
			}
			if res.Status != tc.want || (res.Held != nil) != tc.held || res.ETag != good.ETag || res.Entries != good.Entries {
				t.Fatalf("after the reload: %s, held %v, %d entries, ETag %s; want %s, held %v, %d entries, ETag %s",
					res.Status, res.Held, res.Entries, res.ETag, tc.want, tc.held, good.Entries, good.ETag)
			}
		})
	}
}

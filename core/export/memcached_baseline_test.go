package export

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache/memcachedtest"
	"github.com/cratos-project/cratos/core/state"
)

// With memcached, lists come from memcached, yet the breaker's baseline
// is still the last good list of the state directory: after a restart of
// memcached (empty) and of the replica (nothing in memory), an empty or
// collapsed answer from MISP is held against the list on disk, under the
// list's own key or, after a reload that changed its settings, the one
// the URL served before; and so is a list another replica built from
// it with nothing to hold it against, taken from memcached.
func TestBreakerBaselineFromDiskWithMemcached(t *testing.T) {
	for _, tc := range []struct {
		name   string
		keep   int64
		reload func(Request) Request
		// newcomer: a replica that never served the list builds it
		// first, with nothing to hold it against, and the restarted
		// one takes it from memcached.
		newcomer bool
	}{
		{"empty answer", 0, unchanged, false},
		{"collapsed answer", 3, unchanged, false},
		{"empty answer after a change of the guard", 0, withNeverBlock, false},
		{"empty answer after a change of the tag", 0, withTag, false},
		{"empty list taken from a newcomer", 0, unchanged, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, _ := memcachedtest.Start(t)
			m := newShrinkingMISP(t)
			dir := t.TempDir()
			restarted := func() *replica {
				rp := newReplica(t, addr, func(o *Options) {
					st, err := state.Open(dir, slog.New(slog.DiscardHandler))
					if err != nil {
						t.Fatal(err)
					}
					o.State = st
				})
				t.Cleanup(rp.svc.WaitDurable) // before the directory goes
				return rp
			}
			req := anyFeedRequest(m.url, "ipv4", "10y", "txt", time.Hour)
			first := restarted()
			good, err := first.svc.Get(t.Context(), req)
			if err != nil || good.Status != Miss || good.Entries < 100 {
				t.Fatalf("first build: %v %v, %d entries", good.Status, err, good.Entries)
			}
			first.svc.WaitDurable()

			flushMemcached(t, addr)
			m.keep.Store(tc.keep)
			rp := restarted()
			req = tc.reload(req)
			if tc.newcomer {
				newcomer := newReplica(t, addr)
				wantEmptyBuild(t, newcomer, req)
				sameGeneration(t, req, newcomer, rp)
			}
			res, err := rp.svc.Get(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Held == nil || res.Held.Current != int(tc.keep) || res.Entries != good.Entries || !bytes.Equal(res.Body, good.Body) || res.ETag != good.ETag {
				t.Fatalf("rebuild of %d entries after the restarts: %s, held %v, %d entries (want %d), ETag %s (want %s)",
					tc.keep, res.Status, res.Held, res.Entries, good.Entries, res.ETag, good.ETag)
			}
		})
	}
}

// unchanged is a request after a reload that changed nothing of it.
func unchanged(r Request) Request { return r }

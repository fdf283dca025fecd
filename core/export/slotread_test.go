package export

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/misp"
)

// A list build that joins a MISP read still waiting for a build slot (a
// console lookup's, with no deadline) and reaches its build timeout first
// is busy, as its own read would have been: a 503 with Retry-After, or
// the last good list with a Warning naming the slots. It was a MISP
// timeout, a 504 or a stale list blaming a MISP never asked.
func TestBuildJoiningAReadWaitingForASlotIsBusy(t *testing.T) {
	for _, lastGood := range []bool{false, true} {
		name := map[bool]string{false: "no last good list", true: "a last good list"}[lastGood]
		t.Run(name, func(t *testing.T) {
			m := newHeldMISP(t)
			clock := &fakeClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
			s := New(inMemory(Options{BuildTimeout: 3 * time.Second, Limits: Limits{MaxBuilds: 1}, Now: clock.Now}, "slot read"))
			addRenderer(t, s, allFields{txtRenderer()})
			r := limitsRequest(m.URL, "k", "10y")
			r.Output = "test-all-fields"
			r.Site.MaxStaleSeconds = -1 // a list past its lifetime waits for its build
			var good Result
			if lastGood {
				m.open()
				var err error
				if good, err = s.Get(context.Background(), r); err != nil {
					t.Fatalf("the first build: %v", err)
				}
				clock.advance(2 * r.TTL)
			}
			release, err := s.limits.acquire(context.Background(), r.Site.Name) // every build slot
			if err != nil {
				t.Fatal(err)
			}
			lookup := make(chan error, 1)
			go func() {
				_, err := s.Snapshot(context.Background(), r)
				lookup <- err
			}()
			k := s.listKeys(r)
			snapKey := s.opts.Namespace.Key(context.Background(), k.group, k.snapshot)
			waitFor(t, "the lookup's read to start", func() bool { return s.snaps.Waiting(snapKey) == 1 })

			built := make(chan Result, 1)
			go func() {
				res, err := s.Get(context.Background(), r)
				if err != nil {
					res.Upstream = err
				}
				built <- res
			}()
			var res Result
			select {
			case res = <-built:
			case <-time.After(time.Minute):
				t.Fatal("the build that joined the read still waited after a minute, past its 3s build timeout")
			}
			const want = "busy: no build slot free (max_concurrent_builds 1)"
			if err := res.Upstream; !errors.Is(err, ErrBusy) || err.Error() != want || errors.As(err, new(*misp.Error)) {
				t.Fatalf("the build that joined the read: %v (%T), want %q", err, err, want)
			}
			if lastGood && (res.Status != Stale || res.Artifact == nil || res.ETag != good.ETag) {
				t.Fatalf("the build that joined the read: %s, want the last good list STALE", res.Status)
			}
			if !lastGood && res.Artifact != nil {
				t.Fatalf("the build that joined the read: %s list, want none", res.Status)
			}
			release()
			m.open()
			if err := <-lookup; err != nil {
				t.Fatalf("the caller with no deadline: %v, want the snapshot", err)
			}
		})
	}
}

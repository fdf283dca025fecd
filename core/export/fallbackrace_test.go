package export

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// pausingHandler discards log records, but the first with message msg
// tells arrived and waits for release: the request logging it stops
// there.
type pausingHandler struct {
	msg     string
	once    *sync.Once
	arrived chan struct{}
	release chan struct{}
}

func newPausingHandler(msg string) pausingHandler {
	return pausingHandler{msg: msg, once: &sync.Once{}, arrived: make(chan struct{}), release: make(chan struct{})}
}

func (h pausingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h pausingHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h pausingHandler) WithGroup(string) slog.Handler            { return h }

func (h pausingHandler) Handle(_ context.Context, rec slog.Record) error {
	if rec.Message == h.msg {
		h.once.Do(func() {
			close(h.arrived)
			<-h.release
		})
	}
	return nil
}

// A request whose build failed on MISP and that falls back to the last
// good list never replaces a list a build from MISP accepted meanwhile:
// MISP answering another request between the failure and the fallback,
// the older list became the URL's list, expired with MISP's error, and
// devices got older bytes, REVALIDATING or STALE. The failed request gets
// the newer list (STALE: its own read failed), and the next one a HIT.
func TestFallbackDoesNotReplaceLaterBuild(t *testing.T) {
	srv, down, attrs := switchableMISP(t, 3)
	clock := &fakeClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	pause := newPausingHandler("serving last good list")
	t.Cleanup(func() {
		select {
		case <-pause.release:
		default:
			close(pause.release)
		}
	})
	s := New(inMemory(Options{Now: clock.Now, Logger: slog.New(pause)}, "fallback race test"))
	r := limitsRequest(srv.URL, "k", "1d")
	ctx := context.Background()
	first, err := s.Get(ctx, r)
	if err != nil || first.Status != Miss {
		t.Fatalf("first build: %s, %v; want a MISS", first.Status, err)
	}
	// Cleared, the list has no cached entry: the next request builds.
	if err := s.Clear(ctx, r); err != nil {
		t.Fatal(err)
	}

	down.Store(true)
	clock.advance(2 * time.Minute)
	failed := getAsync(s, ctx, r)
	await(t, pause.arrived, "fallback of the failed request to the last good list")

	attrs.Store(6)
	down.Store(false)
	clock.advance(time.Minute)
	built, err := s.Get(ctx, r)
	if err != nil || built.Status != Miss || built.Entries != 6 {
		t.Fatalf("build once MISP answers: %s, %d entries, %v; want a MISS of 6", built.Status, built.Entries, err)
	}
	close(pause.release)
	got := <-failed
	if got.err != nil {
		t.Fatalf("request whose build failed: %v", got.err)
	}
	if got.res.Status != Stale || got.res.Upstream == nil || got.res.ETag != built.ETag {
		t.Errorf("request whose build failed: %s (upstream %v), ETag %s, %d entries; want STALE with the later list, ETag %s",
			got.res.Status, got.res.Upstream, got.res.ETag, got.res.Entries, built.ETag)
	}

	wantHitOf(t, s, r, built, "the fallback")
}

package export

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/internal/testtool"
)

func TestDurableLastGood(t *testing.T) {
	misp := newGatedMISP(t)
	dirPath := t.TempDir()
	stateLog := &testtool.LogBuffer{}
	open := func() *state.Dir {
		d, err := state.Open(dirPath, slog.New(slog.NewTextHandler(stateLog, nil)))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	first := newSWRRig(t, misp, Options{State: open()})
	built := first.get(t, Miss)
	first.svc.WaitDurable()
	files, _ := filepath.Glob(filepath.Join(dirPath, "list-*"))
	if len(files) != 2 {
		t.Fatalf("state files %v, want a record and its body", files)
	}

	// A new process over the same state directory, MISP down: the last
	// good list, same bytes and ETag, REVALIDATING while its background
	// rebuild fails, then STALE.
	misp.fail.Store(true)
	second := newSWRRig(t, misp, Options{State: open()})
	second.clock.advance(time.Hour)
	res := second.get(t, Revalidating)
	if !bytes.Equal(res.Body, built.Body) || res.ETag != built.ETag || res.Entries != built.Entries || !res.Fetched.Equal(built.Fetched) {
		t.Fatalf("durable list differs: etag %s want %s, entries %d want %d", res.ETag, built.ETag, res.Entries, built.Entries)
	}
	if err := second.waitRefresh(t); err == nil {
		t.Fatal("background rebuild succeeded with MISP down")
	}
	// The next requests get it at once, without asking MISP again, until
	// the retry interval has passed.
	pulls := second.obs.fetches.Load()
	if again := second.get(t, Stale); again.ETag != built.ETag || again.Upstream == nil || second.obs.fetches.Load() != pulls {
		t.Fatalf("second STALE request: ETag %s, upstream %v, MISP pulls %d then %d", again.ETag, again.Upstream, pulls, second.obs.fetches.Load())
	}

	// MISP back with the same data: the content state kept on disk keeps
	// the list's date, so the rebuilt list has the same bytes and ETag.
	misp.fail.Store(false)
	third := newSWRRig(t, misp, Options{State: open()})
	third.clock.advance(2 * time.Hour)
	third.get(t, Revalidating)
	if err := third.waitRefresh(t); err != nil {
		t.Fatalf("background rebuild: %v", err)
	}
	if res := third.get(t, Hit); res.ETag != built.ETag || !res.Generated.Equal(built.Generated) || !res.Fetched.After(built.Fetched) {
		t.Fatalf("rebuilt after restart: ETag %s generated %v fetched %v, want %s %v after %v", res.ETag, res.Generated, res.Fetched,
			built.ETag, built.Generated, built.Fetched)
	}
	third.svc.WaitDurable()

	// Corrupt files are ignored and logged, never served.
	misp.fail.Store(true)
	name := filepath.Base(files[0])
	for _, tc := range []struct {
		name  string
		write func()
		log   string
	}{
		{"bad body", func() {
			b, _ := os.ReadFile(files[1])
			b[len(b)-3] ^= 0x55
			_ = os.WriteFile(files[1], b, 0o600)
		}, "last good list on disk is corrupt"},
		{"bad checksum", func() {
			b, _ := os.ReadFile(files[0])
			b[len(b)-3] ^= 0x55
			_ = os.WriteFile(files[0], b, 0o600)
		}, "state file is corrupt"},
		{"bad record", func() {
			if err := open().Write(name, []byte("CLG1 not a record")); err != nil {
				t.Fatal(err)
			}
		}, "last good list on disk is corrupt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.write()
			rig := newSWRRig(t, misp, Options{State: open()})
			if res, err := rig.svc.Get(t.Context(), rig.req); err == nil {
				t.Fatalf("corrupt state served: %s %s", res.Status, res.ETag)
			}
			if logs := stateLog.String() + rig.logbuf.String(); !strings.Contains(logs, tc.log) {
				t.Fatalf("log lacks %q: %s", tc.log, logs)
			}
		})
	}
}

// Stopping waits for the last good lists queued for writing only so long:
// with a write that does not end, WaitDurableFor returns after its limit
// with the count of lists left; once the writes are done it returns 0.
func TestWaitDurableForIsBounded(t *testing.T) {
	dir, err := state.Open(t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{durable: newDurable(dir, 0, "", time.Now())}
	d := s.durable
	d.mu.Lock()
	d.running = true // a write in progress that has not ended
	d.pending["list-a"] = durableRecord{key: "a"}
	d.mu.Unlock()
	start := time.Now()
	if left := s.WaitDurableFor(100 * time.Millisecond); left != 2 {
		t.Fatalf("left %d, want 2 (one pending, one being written)", left)
	}
	if waited := time.Since(start); waited < 100*time.Millisecond {
		t.Fatalf("returned after %s, before its limit", waited)
	}
	d.mu.Lock()
	d.running = false
	clear(d.pending)
	d.idle.Broadcast()
	d.mu.Unlock()
	if left := s.WaitDurableFor(time.Minute); left != 0 {
		t.Fatalf("left %d after the writes ended, want 0", left)
	}
}

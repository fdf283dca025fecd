package export

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestServedListUndatedIsNotPruned: after a restart with MISP down, a list
// last dated weeks ago is served from disk while its dating cannot be
// done (the queue of records to date is full, or the write of its record
// queued then fails). A prune pass in the next hour keeps it; once no
// longer asked for, it is pruned a maximum age later. The pass removed it,
// and after the next restart with MISP down the device got an error
// instead of its list.
func TestServedListUndatedIsNotPruned(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		name string
		// hold fills the queue of d before the request; drop undoes it
		// after, the writer not having dated the list.
		hold, drop func(d *durable, name string)
	}{
		{"dated", func(*durable, string) {}, func(*durable, string) {}},
		{"dating queue full", func(d *durable, _ string) {
			for i := range maxPendingTouches {
				d.touches[fmt.Sprintf("list-filler%d", i)] = time.Time{}
			}
		}, func(d *durable, _ string) {
			clear(d.touches)
		}},
		{"record write failed", func(d *durable, name string) {
			d.pending[name] = durableRecord{key: "queued"}
		}, func(d *durable, name string) {
			delete(d.pending, name)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			second, built, name, files := restartedOnDisk(t)
			d := second.svc.durable
			d.mu.Lock()
			tc.hold(d, name)
			d.running = true // no writer runs until drop
			d.mu.Unlock()
			if res := second.get(t, Stale); res.ETag != built.ETag {
				t.Fatalf("served ETag %s, want %s", res.ETag, built.ETag)
			}
			d.mu.Lock()
			tc.drop(d, name)
			if len(d.pending)+len(d.dates)+len(d.touches) > 0 {
				go second.svc.writeDurable()
			} else {
				d.running = false
				d.idle.Broadcast()
			}
			d.mu.Unlock()
			second.svc.WaitDurable()

			second.clock.advance(30 * time.Minute)
			if removed, _ := second.svc.PruneDurable(); removed != 0 {
				t.Fatalf("pruned %d files of a list served 30 minutes ago", removed)
			}
			for _, f := range files {
				if _, err := os.Stat(f); err != nil {
					t.Fatalf("file of a list being served: %v", err)
				}
			}

			second.clock.advance(31 * day) // no longer asked for
			if removed, _ := second.svc.PruneDurable(); removed != len(files) {
				t.Fatalf("pruned %d files of a list no longer asked for, want %d", removed, len(files))
			}
		})
	}
}

// restartedOnDisk builds a list into a state_dir that keeps lists 30
// days, its files dated when it was built, then starts a Service on that
// state_dir 40 days later, MISP failing (a restart after weeks, MISP
// down). It returns the rig of that Service, the list built, the name of
// its record and the paths of its record, its body and its URL's record.
func restartedOnDisk(t *testing.T) (second *swrRig, built Result, name string, files []string) {
	t.Helper()
	const day = 24 * time.Hour
	misp := newGatedMISP(t)
	dirPath := t.TempDir()
	first := newSWRRig(t, misp, Options{State: openStateAt(t, dirPath), StateMaxAge: 30 * day})
	built = first.get(t, Miss)
	first.svc.WaitDurable()
	k := first.svc.keyMemo.keysFor(first.req, first.svc.listKeys)
	name = durableName(k.artifact)
	files = []string{filepath.Join(dirPath, name), filepath.Join(dirPath, bodyName(name, built.ETag)), filepath.Join(dirPath, listURLName(k.list))}
	for _, f := range files {
		if err := os.Chtimes(f, first.clock.Now(), first.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	misp.fail.Store(true)
	second = newSWRRig(t, misp, Options{State: openStateAt(t, dirPath), StateMaxAge: 30 * day})
	second.clock.advance(40 * day)
	return second, built, name, files
}

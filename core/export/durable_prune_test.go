package export

import (
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// pruneRig is a Service over a fresh state directory whose clock the test
// sets, with the files it writes there dated explicitly.
type pruneRig struct {
	t     *testing.T
	svc   *Service
	path  string
	clock *testtool.Clock
	log   *testtool.LogBuffer
}

func newPruneRig(t *testing.T, maxAge time.Duration) *pruneRig {
	d, path := openState(t)
	rig := &pruneRig{t: t, path: path, clock: testtool.NewClock(time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)), log: &testtool.LogBuffer{}}
	rig.svc = New(Options{State: d, StateMaxAge: maxAge, Now: rig.clock.Now, Logger: slog.New(slog.NewTextHandler(rig.log, nil))})
	return rig
}

// list writes key's last good list of the given body, its files dated
// age ago, and returns its record's name.
func (rig *pruneRig) list(key, body string, age time.Duration) string {
	b := []byte(body)
	name := durableName(key)
	rec := durableRecord{key: key, a: &Artifact{Body: b, ETag: ETagOf(b), ContentType: "text/plain", Generated: time.Unix(1, 0)}}
	if err := rig.svc.durable.writeList(name, rec); err != nil {
		rig.t.Fatal(err)
	}
	rig.date(name, age)
	rig.date(bodyName(name, rec.a.ETag), age)
	return name
}

// file writes a state file name dated age ago.
func (rig *pruneRig) file(name string, age time.Duration) string {
	if err := rig.svc.durable.dir.Write(name, []byte("192.0.2.1\n")); err != nil {
		rig.t.Fatal(err)
	}
	rig.date(name, age)
	return name
}

func (rig *pruneRig) date(name string, age time.Duration) {
	at := rig.clock.Now().Add(-age)
	if err := os.Chtimes(filepath.Join(rig.path, name), at, at); err != nil {
		rig.t.Fatal(err)
	}
}

func (rig *pruneRig) files() []string {
	entries, err := os.ReadDir(rig.path)
	if err != nil {
		rig.t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestPruneDurable: a pass removes the record of a list neither rebuilt
// nor served for the maximum age, with its body, and the body files no
// record names (a crash between writes, a superseded body) once an hour
// old; the files of lists in use stay. They stayed until removed by hand.
func TestPruneDurable(t *testing.T) {
	const day = 24 * time.Hour
	rig := newPruneRig(t, 30*day)
	recent := rig.list("recent", "192.0.2.1\n", 29*day)
	recentBody := bodyName(recent, ETagOf([]byte("192.0.2.1\n")))
	// A record rewritten yesterday whose body has not changed for weeks.
	current := rig.list("current", "192.0.2.2\n", 40*day)
	rig.date(current, day)
	superseded := rig.file(bodyName(current, `"superseded"`), 2*time.Hour)
	old := rig.list("old", "192.0.2.3\n", 31*day)
	orphan := rig.file(bodyName(durableName("gone"), `"orphan"`), 2*time.Hour)
	young := rig.file(bodyName(durableName("being-written"), `"young"`), 10*time.Minute)
	legacy := durableName("legacy")
	b := []byte("192.0.2.4\n")
	if err := writeRecord(rig.svc.durable.dir, legacy, durableRecord{key: "legacy", a: &Artifact{Body: b, ETag: ETagOf(b)}}); err != nil {
		t.Fatal(err)
	}
	legacyBody := rig.file(bodyName(legacy, ETagOf(b)), 2*time.Hour)
	before := rig.files()

	removed, bytes := rig.svc.PruneDurable()
	want := []string{recent, recentBody, current, bodyName(current, ETagOf([]byte("192.0.2.2\n"))), young, legacy}
	slices.Sort(want)
	if got := rig.files(); !slices.Equal(got, want) {
		t.Fatalf("files left %v, want %v (before: %v)", got, want, before)
	}
	gone := []string{superseded, old, bodyName(old, ETagOf([]byte("192.0.2.3\n"))), orphan, legacyBody}
	if removed != len(gone) || bytes <= 0 {
		t.Fatalf("removed %d files (%d bytes), want %d", removed, bytes, len(gone))
	}
	if logs := rig.log.String(); !strings.Contains(logs, "level=INFO") || !strings.Contains(logs, "files=5") {
		t.Fatalf("log lacks the removal: %s", logs)
	}
	if _, ok := rig.svc.readDurable("recent"); !ok {
		t.Fatal("a list in use no longer reads back")
	}
}

// TestPruneDurableSpares: nothing is removed with a maximum age of 0, nor
// the files of a list queued for writing or being written.
func TestPruneDurableSpares(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		name   string
		maxAge time.Duration
		busy   func(d *durable, name string)
	}{
		{"never", 0, func(*durable, string) {}},
		{"queued", 30 * day, func(d *durable, name string) { d.pending[name] = durableRecord{key: "old"} }},
		{"being written", 30 * day, func(d *durable, name string) { d.writing = name }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rig := newPruneRig(t, tc.maxAge)
			name := rig.list("old", "192.0.2.3\n", 31*day)
			rig.file(bodyName(name, `"crashed"`), 2*time.Hour)
			before := rig.files()
			d := rig.svc.durable
			d.mu.Lock()
			tc.busy(d, name)
			d.mu.Unlock()
			if removed, _ := rig.svc.PruneDurable(); removed != 0 || !slices.Equal(rig.files(), before) {
				t.Fatalf("removed %d: files %v, want %v", removed, rig.files(), before)
			}
		})
	}
}

// TestServedListIsNotPruned: a list served, from disk after a restart or
// from memory, while MISP stays down for weeks is never rebuilt, and
// must not be pruned; one no longer asked for is, a maximum age later.
func TestServedListIsNotPruned(t *testing.T) {
	const day = 24 * time.Hour
	second, built, _, files := restartedOnDisk(t)
	if res := second.get(t, Stale); res.ETag != built.ETag {
		t.Fatalf("served ETag %s, want %s", res.ETag, built.ETag)
	}
	second.svc.WaitDurable()
	for range 2 { // served from memory, weeks on
		second.clock.advance(29 * day)
		second.get(t, Stale)
		second.svc.WaitDurable()
		if removed, _ := second.svc.PruneDurable(); removed != 0 {
			t.Fatalf("pruned %d files of a list being served", removed)
		}
	}
	// Served again within the hour: the record is not touched again.
	touched, _ := os.Stat(files[0])
	second.clock.advance(30 * time.Minute)
	second.get(t, Stale)
	second.svc.WaitDurable()
	if again, _ := os.Stat(files[0]); !again.ModTime().Equal(touched.ModTime()) {
		t.Fatalf("record touched again after 30 minutes: %v then %v", touched.ModTime(), again.ModTime())
	}

	second.clock.advance(31 * day) // no longer asked for
	if removed, _ := second.svc.PruneDurable(); removed != len(files) {
		t.Fatalf("pruned %d files of a list no longer asked for, want %d", removed, len(files))
	}
	for _, f := range files {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Fatalf("%s left: %v", f, err)
		}
	}
}

// TestPruneAndWriteOfOneList: a write of a list queued while the list is
// pruned waits for the pass to end, then writes both files again; a body
// file this process knew but that is gone is written again.
func TestPruneAndWriteOfOneList(t *testing.T) {
	rig := newPruneRig(t, 24*time.Hour)
	name := rig.list("old", "192.0.2.3\n", 48*time.Hour)
	d := rig.svc.durable
	if !d.startPrune(name) {
		t.Fatal("an idle list not pruned")
	}
	b := []byte("192.0.2.3\n")
	d.mu.Lock()
	d.pending[name] = durableRecord{key: "old", a: &Artifact{Body: b, ETag: ETagOf(b), ContentType: "text/plain"}}
	d.running = true
	go rig.svc.writeDurable()
	d.mu.Unlock()
	if left := rig.svc.WaitDurableFor(200 * time.Millisecond); left == 0 {
		t.Fatal("the list was written while being pruned")
	}
	for _, f := range rig.files() {
		if err := d.dir.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	d.endPrune(name)
	rig.svc.WaitDurable()
	if got, ok := rig.svc.readDurable("old"); !ok || string(got.a.Body) != string(b) {
		t.Fatalf("after the prune the list reads back %v", ok)
	}

	// A body file this process knows but that is gone is written again.
	if err := d.dir.Remove(bodyName(name, ETagOf(b))); err != nil {
		t.Fatal(err)
	}
	if err := d.writeList(name, durableRecord{key: "old", a: &Artifact{Body: b, ETag: ETagOf(b), ContentType: "text/plain"}}); err != nil {
		t.Fatal(err)
	}
	if _, ok := rig.svc.readDurable("old"); !ok {
		t.Fatal("a record names a body file that is gone")
	}
}

package export

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/state"
)

// TestUnchangedListKeepsItsFile: a rebuild that gives the same bytes
// rewrites only the list's small record, not its body (a million-entry
// list was written whole at every refresh), and the record keeps the
// last MISP read: a new process serving the list stale has the second
// build's Fetched, which drives Age and the stale-serving window.
func TestUnchangedListKeepsItsFile(t *testing.T) {
	misp := newGatedMISP(t)
	dirPath := t.TempDir()
	first := newSWRRig(t, misp, Options{State: openStateAt(t, dirPath)})
	built := first.get(t, Miss)
	first.svc.WaitDurable()
	bodyFile := filepath.Join(dirPath, bodyName(durableName(first.svc.keyMemo.keysFor(first.req, first.svc.listKeys).artifact), built.ETag))
	before, err := os.Stat(bodyFile)
	if err != nil {
		t.Fatalf("body file: %v", err)
	}

	first.clock.advance(time.Hour)
	first.req.WaitFresh = true
	again := first.get(t, Miss)
	first.svc.WaitDurable()
	if again.ETag != built.ETag || !again.Fetched.After(built.Fetched) {
		t.Fatalf("rebuild: ETag %s fetched %v, want %s and after %v", again.ETag, again.Fetched, built.ETag, built.Fetched)
	}
	after, err := os.Stat(bodyFile)
	if err != nil || !os.SameFile(before, after) {
		t.Fatalf("body file of an unchanged list rewritten (%v)", err)
	}
	files, _ := filepath.Glob(filepath.Join(dirPath, "list-*"))
	if len(files) != 2 {
		t.Fatalf("state files %v, want a record and a body", files)
	}

	misp.fail.Store(true)
	second := newSWRRig(t, misp, Options{State: openStateAt(t, dirPath)})
	second.clock.advance(2 * time.Hour)
	res := second.get(t, Revalidating)
	if !bytes.Equal(res.Body, built.Body) || res.ETag != built.ETag || !res.Fetched.Equal(again.Fetched) {
		t.Fatalf("after a restart: ETag %s fetched %v, want %s %v", res.ETag, res.Fetched, built.ETag, again.Fetched)
	}
}

// TestDurableRecordVersions: a list whose body changes gets a new body
// file and the former one is removed; a record an older version wrote,
// body included, is read, and replaced at the next write.
func TestDurableRecordVersions(t *testing.T) {
	d, dirPath := openState(t)
	svc := New(Options{State: d})
	key := "feed/any/ipv4/txt"
	name := durableName(key)
	record := func(body string, fetched int64) durableRecord {
		b := []byte(body)
		return durableRecord{key: key, serial: 7, a: &Artifact{Body: b, ETag: ETagOf(b), ContentType: "text/plain",
			Generated: time.Unix(1, 0), Fetched: time.Unix(fetched, 0), Entries: 1}}
	}
	listFiles := func() []string {
		files, _ := filepath.Glob(filepath.Join(dirPath, "list-*"))
		for i := range files {
			files[i] = filepath.Base(files[i])
		}
		slices.Sort(files)
		return files
	}
	readBack := func(want durableRecord) {
		t.Helper()
		got, ok := svc.readDurable(key)
		if !ok || !bytes.Equal(got.a.Body, want.a.Body) || got.a.ETag != want.a.ETag || !got.a.Fetched.Equal(want.a.Fetched) || got.serial != want.serial {
			t.Fatalf("read back %+v (%v), want %+v", got.a, ok, want.a)
		}
	}

	legacy := record("192.0.2.1\n", 100)
	if err := writeRecord(d, name, legacy); err != nil {
		t.Fatal(err)
	}
	readBack(legacy)
	for _, rec := range []durableRecord{record("192.0.2.1\n", 200), record("198.51.100.7\n", 300), record("198.51.100.7\n", 400)} {
		if err := svc.durable.writeList(name, rec); err != nil {
			t.Fatal(err)
		}
		if want := []string{name, bodyName(name, rec.a.ETag)}; !slices.Equal(listFiles(), want) {
			t.Fatalf("files %v, want %v", listFiles(), want)
		}
		readBack(rec)
		if got, ok := New(Options{State: d}).readDurable(key); !ok || !got.a.Fetched.Equal(rec.a.Fetched) {
			t.Fatalf("another process read %v %v", got.a, ok)
		}
	}
}

// openStateAt opens the state directory path, as a new process would.
func openStateAt(t *testing.T, path string) *state.Dir {
	t.Helper()
	d, err := state.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

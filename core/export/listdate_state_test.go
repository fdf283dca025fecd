package export

import (
	"crypto/sha256"
	"slices"
	"testing"
	"time"
)

// urlRecord writes the record of the URL list naming the artifact key,
// dated age ago, and returns its name.
func (rig *pruneRig) urlRecord(list, key string, age time.Duration) string {
	name := listURLName(list)
	date := listDate{sharedContent{digest: sha256.Sum256([]byte(key)), since: time.Unix(100, 0), serial: 3}, key}
	if err := rig.svc.durable.dir.Write(name, encodeListURL(listURLRecord{list: list, date: date})); err != nil {
		rig.t.Fatal(err)
	}
	rig.date(name, age)
	return name
}

// A URL's record reads back as written, and only for its own list.
func TestListURLRecordReadsBack(t *testing.T) {
	rig := newPruneRig(t, 0)
	rig.urlRecord("list|a", "art|a", 0)
	got := rig.svc.storedListDate("list|a")
	if got.artifact != "art|a" || got.serial != 3 || !got.since.Equal(time.Unix(100, 0)) || got.digest != sha256.Sum256([]byte("art|a")) {
		t.Fatalf("read back %+v", got)
	}
	if other := rig.svc.storedListDate("list|b"); other.serial != 0 {
		t.Fatalf("another list reads %+v", other)
	}
	for _, b := range [][]byte{nil, []byte("CLU1"), encodeListURL(listURLRecord{list: "x", date: listDate{artifact: "art|a"}})} {
		if _, err := decodeListURL(b); err == nil {
			t.Fatalf("%q decoded", b)
		}
	}
}

// A URL's record goes in the pass that removes the list it names, or
// once the maximum age old when that list is not on disk; it stays while
// the list it names is kept or queued, or while it is queued itself.
func TestPruneListURL(t *testing.T) {
	const day = 24 * time.Hour
	rig := newPruneRig(t, 30*day)
	rig.list("art|old", "192.0.2.1\n", 31*day)
	withOld := rig.urlRecord("list|old", "art|old", 31*day)
	kept := rig.list("art|served", "192.0.2.2\n", day)
	withServed := rig.urlRecord("list|served", "art|served", 40*day)
	recent := rig.urlRecord("list|recent", "art|not-yet-written", time.Hour)
	orphan := rig.urlRecord("list|orphan", "art|gone", 31*day)
	queuedList := rig.urlRecord("list|queued-list", "art|queued", 31*day)
	queued := rig.urlRecord("list|queued", "art|gone", 31*day)
	corrupt := rig.file(listURLName("list|corrupt"), 31*day)
	d := rig.svc.durable
	d.pending[durableName("art|queued")] = durableRecord{key: "art|queued"}
	d.dates[queued] = listURLRecord{}

	removed, _ := rig.svc.PruneDurable()
	want := []string{kept, bodyName(kept, ETagOf([]byte("192.0.2.2\n"))), withServed, recent, queuedList, queued}
	slices.Sort(want)
	if got := rig.files(); !slices.Equal(got, want) {
		t.Fatalf("files left %v, want %v", got, want)
	}
	if gone := []string{withOld, orphan, corrupt}; removed != len(gone)+2 {
		t.Fatalf("removed %d files, want %d and the old list's two", removed, len(gone)+2)
	}
}

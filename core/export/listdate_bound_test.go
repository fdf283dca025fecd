package export

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// urlRecord is the URL record name of the list of age.
func (rig *budgetRig) urlRecord(age string) string {
	r := anyFeedRequest(rig.misp.url, "ipv4", age, "txt", time.Hour)
	return listURLName(rig.svc.keyMemo.keysFor(r, rig.svc.listKeys).list)
}

// urlFiles counts the URL records in path.
func urlFiles(t *testing.T, path string) int {
	t.Helper()
	_, names := onDisk(t, path)
	n := 0
	for name := range names {
		if isListURL(name) {
			n++
		}
	}
	return n
}

// One token asking many distinct URLs leaves at most the bound of URL
// records in state_dir: past it the least recently used go first, so the
// record of the URL a device pulls stays, and a restart counts them.
// Before, they were bounded only by age: about 43,000 a day kept 30 days.
func TestListURLRecordsBounded(t *testing.T) {
	misp := newGatedMISP(t)
	path := t.TempDir()
	rig := newBudgetRig(t, misp, path, 0)
	rig.svc.durable.urlLimit = 10
	rig.get(t, "10y") // the device's list
	age := func(i int) string { return fmt.Sprintf("%dd", 1000+i) }
	for i := range 9 {
		rig.get(t, age(i))
		at := time.Now().Add(-time.Duration(20-i) * time.Hour) // used hours ago, oldest first
		if err := os.Chtimes(filepath.Join(path, rig.urlRecord(age(i))), at, at); err != nil {
			t.Fatal(err)
		}
	}
	for i := 9; i < 14; i++ {
		rig.get(t, age(i))
		if n := urlFiles(t, path); n > 10 || int64(n) != rig.svc.durable.urls.Load() {
			t.Fatalf("after %s: %d URL records, %d counted, bound 10", age(i), n, rig.svc.durable.urls.Load())
		}
	}
	_, names := onDisk(t, path)
	for i := range 14 {
		if kept, want := names[rig.urlRecord(age(i))], i >= 5; kept != want {
			t.Errorf("URL record of %s kept: %v, want %v", age(i), kept, want)
		}
	}
	if !names[rig.urlRecord("10y")] {
		t.Errorf("URL record of the device's list removed")
	}
	if !strings.Contains(rig.log.String(), "removed the list URL records least recently used") {
		t.Errorf("no removal logged:\n%s", rig.log)
	}
	if restarted := newBudgetRig(t, misp, path, 0); restarted.svc.durable.urls.Load() != int64(urlFiles(t, path)) {
		t.Errorf("after a restart %d URL records counted, %d on disk", restarted.svc.durable.urls.Load(), urlFiles(t, path))
	}
}

// A list served dates its URL's record, at most hourly, as it dates the
// list's record: the record's date is when the URL was last used.
func TestServedListDatesURLRecord(t *testing.T) {
	misp := newGatedMISP(t)
	rig, _, dirPath := restartRig(t, misp)
	rig.clock.advance(time.Hour + time.Second)
	rig.get(t, Revalidating)
	if err := rig.waitRefresh(t); err != nil {
		t.Fatal(err)
	}
	rig.svc.WaitDurable()
	info, err := os.Stat(filepath.Join(dirPath, listURLName(rig.svc.keysFor(rig.req).list)))
	if err != nil {
		t.Fatal(err)
	}
	if want := rig.clock.Now(); !info.ModTime().Equal(want) {
		t.Fatalf("URL record dated %v, want %v, when its list was served", info.ModTime(), want)
	}
}

// More URL records than the bound found at start (left by a version that
// bounded them only by age) are brought down to nine tenths of it before
// any write.
func TestListURLRecordsBoundedAtStart(t *testing.T) {
	path := t.TempDir()
	for i := range maxListURLs + 5 {
		if err := os.WriteFile(filepath.Join(path, fmt.Sprintf("url-%032x", i)), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rig := newBudgetRig(t, newGatedMISP(t), path, 0)
	rig.svc.WaitDurable()
	if n, want := urlFiles(t, path), maxListURLs-maxListURLs/10; n != want || rig.svc.durable.urls.Load() != int64(n) {
		t.Fatalf("after start: %d URL records, %d counted, want %d", n, rig.svc.durable.urls.Load(), want)
	}
}

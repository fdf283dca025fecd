package export

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// budgetRig is a Service over the state directory path with a budget for
// its lists, on the real clock: the files' dates are the service's.
type budgetRig struct {
	svc  *Service
	misp *gatedMISP
	path string
	log  *testtool.LogBuffer
}

func newBudgetRig(t *testing.T, misp *gatedMISP, path string, budget int64) *budgetRig {
	t.Helper()
	rig := &budgetRig{misp: misp, path: path, log: &testtool.LogBuffer{}}
	rig.svc = New(inMemory(Options{State: openStateAt(t, path), StateMaxAge: 30 * 24 * time.Hour, StateMaxBytes: budget,
		Logger: slog.New(slog.NewTextHandler(rig.log, nil))}, "budget test"))
	return rig
}

// get asks for the list of age and waits for its last good list to be
// written.
func (rig *budgetRig) get(t *testing.T, age string) {
	t.Helper()
	if _, err := rig.svc.Get(context.Background(), anyFeedRequest(rig.misp.url, "ipv4", age, "txt", time.Hour)); err != nil {
		t.Fatalf("get %s: %v", age, err)
	}
	rig.svc.WaitDurable()
}

// record is the record name of the list of age.
func (rig *budgetRig) record(age string) string {
	r := anyFeedRequest(rig.misp.url, "ipv4", age, "txt", time.Hour)
	return durableName(rig.svc.keyMemo.keysFor(r, rig.svc.listKeys).artifact)
}

// onDisk returns the bytes of the list files in the directory and the
// names of every file there.
func onDisk(t *testing.T, path string) (listBytes int64, names map[string]bool) {
	t.Helper()
	entries, err := os.ReadDir(path)
	if err != nil {
		t.Fatal(err)
	}
	names = map[string]bool{}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		names[e.Name()] = true
		if strings.HasPrefix(e.Name(), "list-") {
			listBytes += info.Size()
		}
	}
	return listBytes, names
}

// One token asking many distinct lists: the lists in state_dir stay
// within state_max_bytes, the least recently built or served going first,
// so the list a device keeps asking for and the newest stay, and no URL
// record goes; a restart counts the files there, corrupt and partial ones
// included. Every list was written until the disk was full.
func TestDurableBudget(t *testing.T) {
	misp := newGatedMISP(t)
	path := t.TempDir()
	sizer := newBudgetRig(t, misp, t.TempDir(), 0)
	sizer.get(t, "10y")
	one, _ := onDisk(t, sizer.path)
	budget := 4*one + one/2

	rig := newBudgetRig(t, misp, path, budget)
	rig.get(t, "10y") // the device's list
	urls := map[string]bool{}
	for i := range 20 {
		age := fmt.Sprintf("%dd", 1000+i)
		rig.get(t, age)
		rig.get(t, "10y") // the device pulls again, served from memory
		used, names := onDisk(t, path)
		if used > budget {
			t.Fatalf("after %s: %d bytes of lists, budget %d", age, used, budget)
		}
		if got := rig.svc.durable.used.Load(); got != used {
			t.Fatalf("after %s: %d bytes counted, %d on disk", age, got, used)
		}
		for name := range urls {
			if !names[name] {
				t.Fatalf("after %s: URL record %s removed", age, name)
			}
		}
		for name := range names {
			if isListURL(name) {
				urls[name] = true
			}
		}
	}
	_, names := onDisk(t, path)
	for _, age := range []string{"10y", "1019d", "1018d"} {
		if !names[rig.record(age)] {
			t.Errorf("list %s removed; files: %v", age, names)
		}
	}
	if names[rig.record("1000d")] {
		t.Errorf("list 1000d, least recently used, kept")
	}
	if !strings.Contains(rig.log.String(), "to stay within state_max_bytes") {
		t.Errorf("no removal logged:\n%s", rig.log)
	}

	// A corrupt record and a body cut short count after a restart.
	for name, content := range map[string]string{"list-00000000000000000000000000000000": "garbage",
		"list-00000000000000000000000000000001.W-abc": "cratos-state/1 0000"} {
		if err := os.WriteFile(filepath.Join(path, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	used, _ := onDisk(t, path)
	restarted := newBudgetRig(t, misp, path, budget)
	if got := restarted.svc.durable.used.Load(); got != used {
		t.Errorf("after a restart %d bytes counted, %d on disk", got, used)
	}
}

// A list larger than state_max_bytes alone is not written, and said so;
// the lists already there stay.
func TestDurableBudgetListTooLarge(t *testing.T) {
	misp := newGatedMISP(t)
	path := t.TempDir()
	rig := newBudgetRig(t, misp, path, 1000)
	rig.get(t, "10y")
	if used, names := onDisk(t, path); used != 0 || rig.svc.durable.used.Load() != 0 {
		t.Errorf("%d bytes of lists written (%d counted), budget 1000: %v", used, rig.svc.durable.used.Load(), names)
	}
	if !strings.Contains(rig.log.String(), "more than state_max_bytes") {
		t.Errorf("not logged:\n%s", rig.log)
	}
}

// A state_max_bytes lowered below the lists already in state_dir applies
// at start: the lists least recently built or served are removed down to
// nine tenths of it, before any write, and the removal is logged. Before,
// the lists stayed over the budget until the next list was written.
func TestDurableBudgetLoweredAppliesAtStart(t *testing.T) {
	misp := newGatedMISP(t)
	path := t.TempDir()
	before := newBudgetRig(t, misp, path, 0)
	ages := []string{"1000d", "1001d", "1002d", "1003d", "10y"}
	for _, age := range ages {
		before.get(t, age)
	}
	for i, age := range ages[:len(ages)-1] { // built days ago, oldest first
		at := time.Now().Add(-time.Duration(10-i) * 24 * time.Hour)
		if err := os.Chtimes(filepath.Join(path, before.record(age)), at, at); err != nil {
			t.Fatal(err)
		}
	}
	all, _ := onDisk(t, path)
	budget := all / 2

	rig := newBudgetRig(t, misp, path, budget)
	rig.svc.WaitDurable()
	used, names := onDisk(t, path)
	if used > budget-budget/10 || rig.svc.durable.used.Load() != used {
		t.Fatalf("after start: %d bytes of lists on disk, %d counted, budget %d", used, rig.svc.durable.used.Load(), budget)
	}
	if !names[rig.record("10y")] || names[rig.record("1000d")] {
		t.Errorf("the most recent list removed, or the oldest kept: %v", names)
	}
	if !strings.Contains(rig.log.String(), "to stay within state_max_bytes") {
		t.Errorf("no removal logged:\n%s", rig.log)
	}
}

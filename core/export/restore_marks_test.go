package export

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// clearFiles counts the clear-<hash> files in the rig's state directory.
func clearFiles(t *testing.T, rig *swrRig) int {
	t.Helper()
	files, err := rig.svc.durable.dir.Files()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if strings.HasPrefix(f.Name, "clear-") && f.Name != clearAllMark {
			n++
		}
	}
	return n
}

// A token clearing the lists of many distinct URLs leaves at most the
// bound of clear files in state_dir: past it they give way to one clear
// of every list, and a list cleared then is still rebuilt after a
// restart. Before, every clear_cache of another URL (another age,
// another organisation's uuid) left a file that nothing removed, neither
// counted in state_max_bytes nor pruned.
func TestClearMarksBounded(t *testing.T) {
	misp := newGatedMISP(t)
	first, _, dirPath := restartRig(t, misp)
	first.svc.durable.marks.limit = 3
	for i := range 10 {
		other := first.req
		other.Age = strconv.Itoa(i+1) + "d"
		if err := first.svc.Clear(t.Context(), other); err != nil {
			t.Fatal(err)
		}
	}
	if err := first.svc.Clear(t.Context(), first.req); err != nil {
		t.Fatal(err)
	}
	if n := clearFiles(t, first); n > 3 {
		t.Fatalf("%d clear files in state_dir after 11 clears, want at most 3", n)
	}
	rig := restarted(t, misp, dirPath, 50*time.Second)
	before := misp.searches.Load()
	rig.get(t, Miss)
	if misp.searches.Load() == before {
		t.Fatal("the list cleared before the restart was served from disk")
	}
}

// A clear file that cannot be read is taken as a clear of its group's
// lists on disk, each rebuilt, and is read and logged once:
// every list of the group missing from the cache read it again before,
// and logged it each time.
func TestUnreadableClearReadOnce(t *testing.T) {
	misp := newGatedMISP(t)
	first, _, dirPath := restartRig(t, misp)
	outputs := []string{"csv", "json"}
	for _, out := range outputs {
		other := first.req
		other.Output = out
		if _, err := first.svc.Get(t.Context(), other); err != nil {
			t.Fatal(err)
		}
	}
	if err := first.svc.Clear(t.Context(), first.req); err != nil {
		t.Fatal(err)
	}
	first.clock.advance(2 * time.Second)
	first.get(t, Miss)
	for _, out := range outputs {
		other := first.req
		other.Output = out
		if res, err := first.svc.Get(t.Context(), other); err != nil || res.Status != Miss {
			t.Fatalf("%s after the clear: %v %v", out, res.Status, err)
		}
	}
	first.svc.WaitDurable()
	mark := filepath.Join(dirPath, clearMarkName(first.svc.keysFor(first.req).group))
	if err := os.WriteFile(mark, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}

	rig := restarted(t, misp, dirPath, 50*time.Second)
	for _, out := range append(outputs, "txt") {
		rig.req.Output = out
		rig.get(t, Miss) // rebuilt, not the list on disk (a HIT)
	}
	if n := strings.Count(rig.logbuf.String(), "clear in the state directory unreadable"); n != 1 {
		t.Fatalf("unreadable clear logged %d times, want once:\n%s", n, rig.logbuf)
	}
}

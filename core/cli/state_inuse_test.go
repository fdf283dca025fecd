package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool"
)

// holdDir takes dir's lock as another process does (flock on a file of
// its own) and returns its release.
func holdDir(t *testing.T, dir string) func() {
	t.Helper()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Skipf("no flock here: %v", err)
	}
	return func() { _ = f.Close() }
}

// A state directory another process holds (one being replaced, still
// writing its last lists) is waited for; once that process lets go, it
// is used. A wait that runs out goes on without it, logged, and later
// opens in the process no longer wait.
func TestStateDirInUseIsWaitedFor(t *testing.T) {
	t.Cleanup(func() { stateInUseGaveUp.Store(false) })
	root := filepath.Join(t.TempDir(), "state")
	cfg := &config.Config{StateDir: root}

	release := holdDir(t, filepath.Join(root, "lists"))
	time.AfterFunc(time.Second, release)
	logger, logs := testtool.JSONLogger()
	if dir := openListState(cfg, logger); dir == nil {
		t.Fatalf("a directory let go of after a second was not used: %s", logs.String())
	}
	if !strings.Contains(logs.String(), "waiting for it to end") {
		t.Errorf("the wait is not logged: %s", logs.String())
	}

	defer func(w time.Duration) { stateInUseWait = w }(stateInUseWait)
	stateInUseWait = 300 * time.Millisecond
	defer holdDir(t, filepath.Join(root, "zones"))()
	logger, logs = testtool.JSONLogger()
	if dir := openZoneState(cfg, logger); dir != nil {
		t.Fatal("a directory held throughout was used")
	}
	if !strings.Contains(logs.String(), "state_dir unusable") || !strings.Contains(logs.String(), "in use by another process") {
		t.Errorf("the refusal is not logged: %s", logs.String())
	}
	stateInUseWait = time.Hour
	start := time.Now()
	if dir := openZoneState(cfg, logger); dir != nil || time.Since(start) > time.Minute {
		t.Errorf("after a wait ran out: dir %v after %v, want nil at once", dir, time.Since(start))
	}
}

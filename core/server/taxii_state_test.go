package server_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/core/taxii"
)

// TestTAXIISaveRetried: a history whose save failed is saved by the next
// request even when nothing changed, so a restart serves what clients
// already have as it was, not again with a new date_added.
func TestTAXIISaveRetried(t *testing.T) {
	dirPath := filepath.Join(t.TempDir(), "state")
	dir, err := state.Open(dirPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(h *harness) { h.taxii = taxii.NewManager(dir, nil) })
	// The state directory is gone: the first save fails.
	if err := os.RemoveAll(dirPath); err != nil {
		t.Fatal(err)
	}
	block := newPoller(h, "block")
	if len(block.poll(t)) == 0 {
		t.Fatal("first poll: nothing")
	}
	if err := os.Mkdir(dirPath, 0o700); err != nil {
		t.Fatal(err)
	}
	if got := block.poll(t); len(got) != 0 {
		t.Fatalf("second poll: %v", got)
	}
	// A restart: the history is read from the state directory.
	h.taxii = taxii.NewManager(dir, nil)
	h.start()
	if got := block.poll(t); len(got) != 0 {
		t.Fatalf("after a restart, %d objects again: %v", len(got), got)
	}
}

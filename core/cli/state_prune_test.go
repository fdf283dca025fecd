package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/renderers"
)

// serve prunes state_dir/lists by state_max_age_days: the files of a
// list not built nor served for that long go, with a line in the log;
// those of a list in use stay. They stayed until removed by hand.
func TestServePrunesListState(t *testing.T) {
	root := t.TempDir()
	lists, err := state.Open(filepath.Join(root, "lists"), nil)
	if err != nil {
		t.Fatal(err)
	}
	const old, recent = "list-00000000000000000000000000000001", "list-00000000000000000000000000000002"
	for name, age := range map[string]time.Duration{old: 31 * 24 * time.Hour, old + ".etag": 31 * 24 * time.Hour, recent: 24 * time.Hour} {
		if err := lists.Write(name, []byte("x")); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(-age)
		if err := os.Chtimes(filepath.Join(lists.Path(), name), at, at); err != nil {
			t.Fatal(err)
		}
	}
	days := 30
	cfg := &config.Config{StateDir: root, SitesDir: t.TempDir(), EncryptionKey: "key", Salt: "salt", StateMaxAgeDays: &days}
	logger, logs := testtool.JSONLogger()
	svc, err := assemble(cfg, nil, renderers.Builtin().Clone(), logger, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.close()
	defer startPruning(cfg, svc.export, time.Millisecond, time.Hour)()

	files := func() []string {
		entries, _ := os.ReadDir(lists.Path())
		var names []string
		for _, e := range entries {
			if e.Name() != "lists-maker" { // which code made the lists: never pruned
				names = append(names, e.Name())
			}
		}
		return names
	}
	for deadline := time.Now().Add(time.Minute); !slices.Equal(files(), []string{recent}); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("files %v a minute on, want %s alone", files(), recent)
		}
	}
	for deadline := time.Now().Add(time.Minute); !strings.Contains(logs.String(), `"files":2`); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("log lacks the removal: %s", logs.String())
		}
	}
}

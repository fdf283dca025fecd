package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
)

func TestOpenCollectionsCreatesStateDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	logger, logs := testtool.JSONLogger()
	m := openCollections(&config.Config{StateDir: dir}, logger)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("state dir not created: %v", err)
	}
	c, err := m.Collection("site|key|block", "x")
	if err != nil {
		t.Fatal(err)
	}
	view := func() []indicator.Indicator {
		return []indicator.Indicator{{Type: indicator.IPv4, Value: "192.0.2.1", Timestamp: 1}}
	}
	if _, err := m.Refresh("site|key|block", c, nil, view, nil, time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("state files: %v", entries)
	}
	// An unusable state_dir is logged, and collections live in memory.
	bad := filepath.Join(dir, "taxii-x", "\x00")
	c, err = openCollections(&config.Config{StateDir: bad}, logger).Collection("k", "x")
	if err != nil || c.Len() != 0 || !strings.Contains(logs.String(), "state_dir unusable") {
		t.Fatalf("unusable state_dir: %s", logs.String())
	}
}

// The last good lists and the DNS zones get their own directories under
// state_dir; without one (or with an unusable one) they are kept in
// memory only and the log says so.
func TestOpenListAndZoneState(t *testing.T) {
	root := filepath.Join(t.TempDir(), "state")
	logger, logs := testtool.JSONLogger()
	cfg := &config.Config{StateDir: root}
	lists, zones := openListState(cfg, logger), openZoneState(cfg, logger)
	if lists == nil || zones == nil {
		t.Fatalf("lists %v zones %v", lists, zones)
	}
	if err := lists.Write("list-a", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := zones.Write("zone-a", []byte("y")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"lists/list-a", "zones/zone-a"} {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if openListState(&config.Config{}, logger) != nil || openZoneState(&config.Config{}, logger) != nil {
		t.Fatal("a state store without state_dir")
	}
	bad := &config.Config{StateDir: filepath.Join(root, "\x00")}
	if openListState(bad, logger) != nil || openZoneState(bad, logger) != nil {
		t.Fatal("a state store in an unusable state_dir")
	}
	if n := strings.Count(logs.String(), "state_dir unusable"); n != 2 {
		t.Fatalf("%d unusable state_dir lines: %s", n, logs.String())
	}
}

package cli

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool"
)

// The last good lists and the DNS zones get their own directories under
// state_dir; without one (or with an unusable one) they are kept in
// memory only and the log says so.
func TestOpenListAndZoneState(t *testing.T) {
	root := filepath.Join(t.TempDir(), "state")
	logs := &testtool.LogBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
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

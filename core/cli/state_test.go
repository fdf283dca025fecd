package cli

import (
	"log/slog"
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
	logs := &testtool.LogBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	m := openCollections(&config.Config{StateDir: dir}, logger)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("state dir not created: %v", err)
	}
	c := m.Collection("site|key|block")
	if _, err := c.Apply(nil, []indicator.Indicator{{Type: indicator.IPv4, Value: "192.0.2.1", Timestamp: 1}}, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	m.Save("site|key|block", c)
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("state files: %v", entries)
	}
	// An unusable state_dir is logged, and collections live in memory.
	bad := filepath.Join(dir, "taxii-x", "\x00")
	c = openCollections(&config.Config{StateDir: bad}, logger).Collection("k")
	if c.Len() != 0 || !strings.Contains(logs.String(), "state_dir unusable") {
		t.Fatalf("unusable state_dir: %s", logs.String())
	}
}

package cli

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
)

func TestOpenCollectionsCreatesStateDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	m, err := openCollections(&config.Config{StateDir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
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
	if _, err := openCollections(&config.Config{StateDir: filepath.Join(dir, "taxii-x", "\x00")}, nil); err == nil {
		t.Fatal("bad state_dir accepted")
	}
}

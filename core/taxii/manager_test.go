package taxii

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/internal/testtool"
)

// TestManagerRestart: a collection's history survives a restart (a
// corrupt one: TestLoadCorrupt).
func TestManagerRestart(t *testing.T) {
	dirPath := t.TempDir()
	logger, _ := testtool.JSONLogger()
	dir, err := state.Open(dirPath, logger)
	if err != nil {
		t.Fatal(err)
	}
	m := NewManager(dir, logger)
	const key = "misp.example.net|k1|block"
	c := mustCollection(t, m, key)
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	for i, ins := range [][]indicator.Indicator{{indA, indB}, {indA}} {
		if err := refresh(m, c, t0.Add(time.Duration(i)*time.Minute), nil, ins...); err != nil {
			t.Fatal(err)
		}
	}
	if mustCollection(t, m, key) != c {
		t.Fatal("collection not kept")
	}
	want := mustObjects(t, c, "match[version]=all", "")

	m2 := NewManager(dir, logger)
	got := mustObjects(t, mustCollection(t, m2, key), "match[version]=all", "")
	if !bytes.Equal(got.Body, want.Body) {
		t.Fatalf("after restart:\n%s\nwant\n%s", got.Body, want.Body)
	}
	if mustCollection(t, m2, "misp.example.net|k2|block").Len() != 0 {
		t.Fatal("another MISP key's collection is not empty")
	}
}

func mustCollection(t *testing.T, m *Manager, key string) *Collection {
	t.Helper()
	c, err := m.Collection(key, testID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestManagerReadError: a state file that cannot be read is an error,
// not an empty collection that would overwrite it on the next save; the
// next call reads it.
func TestManagerReadError(t *testing.T) {
	dirPath := t.TempDir()
	logger, logs := testtool.JSONLogger()
	dir, err := state.Open(dirPath, logger)
	if err != nil {
		t.Fatal(err)
	}
	const key = "misp.example.net|k1|block"
	c := NewCollection(testID)
	apply(t, c, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), nil, ind(indicator.IPv4, "192.0.2.1", 1700000000))
	saved, err := c.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	// A directory in the file's place: reading it fails.
	file := filepath.Join(dirPath, fileName(key))
	if err := os.Mkdir(file, 0o700); err != nil {
		t.Fatal(err)
	}
	m := NewManager(dir, logger)
	if got, err := m.Collection(key, testID); err == nil {
		t.Fatalf("unreadable state: a collection of %d versions, no error", got.Len())
	}
	if !strings.Contains(logs.String(), "taxii collection state not read") {
		t.Fatalf("not logged: %s", logs.String())
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if err := dir.Write(fileName(key), saved); err != nil {
		t.Fatal(err)
	}
	if n := mustCollection(t, m, key).Len(); n != c.Len() {
		t.Fatalf("once readable: %d versions, want %d", n, c.Len())
	}
}

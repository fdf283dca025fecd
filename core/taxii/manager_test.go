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

// TestManagerRestart: a collection's history survives a restart, and a
// corrupt state file starts the collection afresh rather than serving it.
func TestManagerRestart(t *testing.T) {
	dirPath := t.TempDir()
	logger, logs := testtool.JSONLogger()
	dir, err := state.Open(dirPath, logger)
	if err != nil {
		t.Fatal(err)
	}
	m := NewManager(dir, logger)
	const key = "misp.example.net|k1|block"
	c := m.Collection(key)
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	apply(t, c, t0, nil, ind(indicator.IPv4, "192.0.2.1", 1700000000), ind(indicator.IPv4, "192.0.2.2", 1700000000))
	apply(t, c, t0.Add(time.Minute), nil, ind(indicator.IPv4, "192.0.2.1", 1700000000))
	m.Save(key, c)
	if m.Collection(key) != c {
		t.Fatal("collection not kept")
	}
	want := mustObjects(t, c, "match[version]=all", "")

	m2 := NewManager(dir, logger)
	got := mustObjects(t, m2.Collection(key), "match[version]=all", "")
	if !bytes.Equal(got.Body, want.Body) {
		t.Fatalf("after restart:\n%s\nwant\n%s", got.Body, want.Body)
	}
	if m2.Collection("misp.example.net|k2|block").Len() != 0 {
		t.Fatal("another MISP key's collection is not empty")
	}
	// A flipped byte: ignored and logged, the collection starts empty.
	file := filepath.Join(dirPath, fileName(key))
	b, _ := os.ReadFile(file)
	b[len(b)-3] ^= 1
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if n := NewManager(dir, logger).Collection(key).Len(); n != 0 {
		t.Fatalf("corrupt state served: %d versions", n)
	}
	if !strings.Contains(logs.String(), "corrupt") {
		t.Fatalf("not logged: %s", logs.String())
	}
	// A state that passes the checksum but not the format checks.
	if err := dir.Write(fileName(key), []byte(stateHeader+" 1 1 1\nnull\no 0 ipv4 0 1 5 0 \"192.0.2.1\"\nr 0 0\n")); err != nil {
		t.Fatal(err)
	}
	if n := NewManager(dir, logger).Collection(key).Len(); n != 0 || !strings.Contains(logs.String(), "taxii collection state ignored") {
		t.Fatalf("inconsistent state served: %d", n)
	}
}

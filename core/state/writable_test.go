package state

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// TestWritable: a state directory a write would fail in is found at
// once, before anything is written; a missing one is writable when it
// can be created. The check leaves nothing behind.
func TestWritable(t *testing.T) {
	ro := testtool.ReadOnlyDir(t)
	rw := t.TempDir()
	for _, tc := range []struct {
		name  string
		path  string
		wants bool
	}{
		{"writable", rw, true},
		{"missing, under a writable directory", filepath.Join(rw, "state", "lists"), true},
		{"read-only", ro, false},
		{"missing, under a read-only directory", filepath.Join(ro, "state", "lists"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Writable(tc.path)
			if (err == nil) != tc.wants {
				t.Fatalf("Writable(%s) = %v", tc.path, err)
			}
			if err != nil && !errors.Is(err, fs.ErrPermission) {
				t.Errorf("error %v is not a permission error", err)
			}
		})
	}
	if entries, _ := os.ReadDir(rw); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

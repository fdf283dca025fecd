package state

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Files lists the state files with their sizes and dates, without the
// temporary files of writes, and Touch dates a file without changing it.
func TestFilesAndTouch(t *testing.T) {
	d, err := Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"b", "a.x"} {
		if err := d.Write(name, []byte("payload")); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(d.Path(), ".b.tmp-1"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(d.Path(), "sub"), 0o750); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := d.Touch("b", at); err != nil {
		t.Fatal(err)
	}
	files, err := d.Files()
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(files, func(x, y File) int { return strings.Compare(x.Name, y.Name) })
	if len(files) != 2 || files[0].Name != "a.x" || files[1].Name != "b" || !files[1].ModTime.Equal(at) || files[1].Size != files[0].Size {
		t.Fatalf("files %+v, want a.x and b, b dated %v", files, at)
	}
	if got, ok, err := d.Read("b"); !ok || err != nil || string(got) != "payload" {
		t.Fatalf("touched file reads %q %v %v", got, ok, err)
	}
	if err := d.Touch("missing", at); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("touch of a missing file: %v", err)
	}
}

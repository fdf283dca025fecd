package state

import (
	"bytes"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

func TestWriteRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "state")
	d, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := d.Read("x.json"); ok || err != nil {
		t.Fatalf("missing file: ok=%v err=%v", ok, err)
	}
	for _, payload := range [][]byte{[]byte(`{"a":1}`), {}, []byte("second\nline\n")} {
		if err := d.Write("x.json", payload); err != nil {
			t.Fatal(err)
		}
		got, ok, err := d.Read("x.json")
		if err != nil || !ok || !bytes.Equal(got, payload) {
			t.Fatalf("Read = %q %v %v, want %q", got, ok, err, payload)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
	if err := d.Remove("x.json"); err != nil {
		t.Fatal(err)
	}
	if err := d.Remove("x.json"); err != nil {
		t.Fatal(err)
	}
}

func TestWritePartsIsWriteOfTheConcatenation(t *testing.T) {
	large := bytes.Repeat([]byte("0123456789abcdef"), 1<<14) // past the write buffer
	for _, tc := range []struct {
		name  string
		parts [][]byte
	}{
		{"none", nil},
		{"empty parts", [][]byte{{}, nil}},
		{"one", [][]byte{[]byte("payload")}},
		{"head and large body", [][]byte{[]byte("head\n"), large}},
		{"large between small", [][]byte{[]byte("a"), large, []byte("z")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			d, _ := Open(dir, nil)
			whole := bytes.Join(tc.parts, nil)
			if err := d.Write("whole", whole); err != nil {
				t.Fatal(err)
			}
			if err := d.WriteParts("parts", tc.parts...); err != nil {
				t.Fatal(err)
			}
			want, _ := os.ReadFile(filepath.Join(dir, "whole"))
			got, _ := os.ReadFile(filepath.Join(dir, "parts"))
			if !bytes.Equal(got, want) {
				t.Fatalf("WriteParts wrote %d bytes, Write %d; they differ", len(got), len(want))
			}
			if payload, ok, err := d.Read("parts"); !ok || err != nil || !bytes.Equal(payload, whole) {
				t.Fatalf("Read = %d bytes %v %v, want the %d bytes of the parts", len(payload), ok, err, len(whole))
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 2 {
				t.Fatalf("temporary files left: %v", entries)
			}
		})
	}
}

func TestCorruptIgnored(t *testing.T) {
	dir := t.TempDir()
	logger, logs := testtool.JSONLogger()
	d, _ := Open(dir, logger)
	if err := d.Write("c", []byte("payload")); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(filepath.Join(dir, "c"))
	cases := map[string][]byte{
		"truncated":     good[:len(good)-2],
		"flipped":       append(append([]byte{}, good[:len(good)-1]...), 'X'),
		"no header":     []byte("payload"),
		"empty":         {},
		"bad checksum":  []byte(magic + "zz\npayload"),
		"other version": []byte(strings.Replace(string(good), "/1 ", "/9 ", 1)),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, "c"), b, 0o600); err != nil {
				t.Fatal(err)
			}
			got, ok, err := d.Read("c")
			if ok || err != nil || got != nil {
				t.Fatalf("Read = %q %v %v, want absent", got, ok, err)
			}
			if got, err := d.ReadFile("c"); !errors.Is(err, ErrCorrupt) || got != nil {
				t.Fatalf("ReadFile = %q %v, want ErrCorrupt", got, err)
			}
		})
	}
	if !strings.Contains(logs.String(), "state file is corrupt") {
		t.Fatalf("corruption not logged: %s", logs.String())
	}
}

// TestWriteKeep: each write keeps the file it replaces as the previous
// generation; ReadFile tells a missing file from a corrupt one.
func TestWriteKeep(t *testing.T) {
	dir := t.TempDir()
	d, _ := Open(dir, nil)
	if _, err := d.ReadFile("h"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	for _, v := range []string{"one", "two", "three"} {
		if err := d.WriteKeep("h", "h.prev", []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	for name, want := range map[string]string{"h": "three", "h.prev": "two"} {
		if got, err := d.ReadFile(name); err != nil || string(got) != want {
			t.Fatalf("%s = %q %v, want %q", name, got, err, want)
		}
	}
	if err := d.Rename("h", "h.aside"); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteKeep("h", "h.prev", []byte("four")); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"h": "four", "h.prev": "two", "h.aside": "three"} {
		if got, err := d.ReadFile(name); err != nil || string(got) != want {
			t.Fatalf("after a rename, %s = %q %v, want %q", name, got, err, want)
		}
	}
	if err := d.WriteKeep("h", "../h", nil); err != ErrBadName {
		t.Fatalf("bad previous name: %v", err)
	}
	if at, err := d.ModTime("h"); err != nil || time.Since(at) > time.Minute {
		t.Fatalf("ModTime = %v %v", at, err)
	}
}

func TestBadNames(t *testing.T) {
	d, _ := Open(t.TempDir(), nil)
	for _, name := range []string{"", ".", "..", "../x", "a/b", ".hidden", "a b", strings.Repeat("a", 201)} {
		if err := d.Write(name, nil); err != ErrBadName {
			t.Errorf("Write(%q) = %v, want ErrBadName", name, err)
		}
		if err := d.WriteParts(name, []byte("x")); err != ErrBadName {
			t.Errorf("WriteParts(%q) = %v, want ErrBadName", name, err)
		}
		if _, _, err := d.Read(name); err != ErrBadName {
			t.Errorf("Read(%q) = %v, want ErrBadName", name, err)
		}
	}
}

// Open removes the temporary files of writes interrupted over an hour
// ago, and leaves everything else: state files, a write that may still
// be under way, files that only look alike.
func TestOpenRemovesLeftovers(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	files := []struct {
		name string
		old  bool
		kept bool
	}{
		{".list-a.tmp-123", true, false},
		{".zone-b.tmp-9", true, false},
		{".list-c.tmp-456", false, true}, // recent: perhaps another process writing
		{"list-a", true, true},
		{".hidden", true, true},
		{"list.tmp-1", true, true},
	}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if f.old {
			if err := os.Chtimes(path, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	logs := &testtool.LogBuffer{}
	if _, err := Open(dir, slog.New(slog.NewTextHandler(logs, nil))); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		_, err := os.Stat(filepath.Join(dir, f.name))
		if kept := err == nil; kept != f.kept {
			t.Errorf("%s: kept %v, want %v", f.name, kept, f.kept)
		}
	}
	if got := strings.Count(logs.String(), "leftover of an interrupted write"); got != 2 {
		t.Errorf("%d removals logged, want 2:\n%s", got, logs)
	}
}

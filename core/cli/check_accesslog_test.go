package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCheckAccessLog: check refuses, as serve does, an access_log that
// cannot be opened, and passes one serve can create without creating it.
func TestCheckAccessLog(t *testing.T) {
	dir := t.TempDir()
	aFile := filepath.Join(dir, "file")
	if err := os.WriteFile(aFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		code       int
		stderr     string
	}{
		{"below a file", filepath.Join(aFile, "access.log"), 2, "not a directory"},
		{"a directory", dir, 2, "is a directory"},
		{"in a directory still to create", filepath.Join(dir, "logs", "cratos", "access.log"), 0, ""},
		{"an existing file", aFile, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := writeConfig(t, testConfig+"access_log: "+tc.path+"\n")
			code, _, stderr := run1("check", "--config", cfg)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("check: exit %d, stderr %q; want %d containing %q", code, stderr, tc.code, tc.stderr)
			}
			if tc.code != 0 && !strings.Contains(stderr, "access_log "+tc.path) {
				t.Errorf("check: stderr %q does not name access_log %s", stderr, tc.path)
			}
			if tc.code != 0 {
				if code, _, stderr := run1("serve", "--config", cfg, "--listen", "127.0.0.1:0"); code != 2 {
					t.Errorf("serve: exit %d, stderr %q; want 2", code, stderr)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "logs")); !os.IsNotExist(err) {
		t.Errorf("check created the access log's directory: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("check left files in %s: %v", dir, entries)
	}
}

// A permission refused to the user running check is a note: serve may
// run as another user, whose log directory systemd creates at start.
func TestAccessLogFinding(t *testing.T) {
	denied := &fs.PathError{Op: "open", Path: "/var/log/cratos/access.log", Err: syscall.EACCES}
	tests := []struct {
		name       string
		err        error
		note, fail bool
	}{
		{"writable", nil, false, false},
		{"permission denied", fmt.Errorf("access_log x: %w", denied), true, false},
		{"operation not permitted", fmt.Errorf("access_log x: %w", syscall.EPERM), true, false},
		{"not a directory", fmt.Errorf("access_log x: %w", syscall.ENOTDIR), false, true},
		{"a directory", fmt.Errorf("access_log x: %w", syscall.EISDIR), false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			note, err := accessLogFinding(tc.err)
			if (note != "") != tc.note || (err != nil) != tc.fail {
				t.Errorf("note %q, error %v; want note %v, error %v", note, err, tc.note, tc.fail)
			}
		})
	}
}

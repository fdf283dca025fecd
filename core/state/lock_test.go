package state

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// lockChildDir names, in the environment of a child process of this
// test binary, the state directory TestLockChild opens.
const lockChildDir = "CRATOS_STATE_LOCK_CHILD_DIR"

// TestLockChild is the other process of TestOneProcessPerDirectory: it
// opens the directory and prints what Open returned.
func TestLockChild(t *testing.T) {
	dir := os.Getenv(lockChildDir)
	if dir == "" {
		t.Skip("run by TestOneProcessPerDirectory")
	}
	_, err := Open(dir, nil)
	fmt.Printf("open: %v in use: %v\n", err, errors.Is(err, ErrInUse))
}

// openInChild opens dir in another process and returns what it printed.
func openInChild(t *testing.T, dir string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), lockChildDir+"="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	return string(out)
}

// A second process opening a state directory in use (a replica started
// twice on one state_dir) gets ErrInUse: two processes writing one
// directory overwrite each other's TAXII histories, and a history
// missing a revocation made by the other gives an indicator back under
// the id a client holds revoked. The same process may open it again (a
// restart in tests), and the lock goes with the process.
func TestOneProcessPerDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	if got := openInChild(t, dir); !strings.Contains(got, "open: <nil> in use: false") {
		t.Fatalf("a free directory in another process: %s", got)
	}
	if _, err := Open(dir, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir+"/", nil); err != nil {
		t.Fatalf("opened again in the same process: %v", err)
	}
	if got := openInChild(t, dir); !strings.Contains(got, "in use: true") {
		t.Fatalf("a directory in use in another process: %s", got)
	}
	if got := openInChild(t, filepath.Join(dir, "lists")); !strings.Contains(got, "open: <nil> in use: false") {
		t.Fatalf("a directory below one in use: %s", got)
	}
}

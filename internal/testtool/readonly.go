package testtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ReadOnlyDir returns a new directory no file can be created in, even by
// root: its mode is 0500 and, where that is not enough (root), it is made
// immutable with chattr +i, undone at cleanup. The test is skipped where
// neither works.
func ReadOnlyDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "read-only")
	if err := os.Mkdir(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	if !canCreate(dir) {
		return dir
	}
	if err := exec.Command("chattr", "+i", dir).Run(); err != nil {
		t.Skipf("no way to make a read-only directory here: %v", err)
	}
	t.Cleanup(func() { _ = exec.Command("chattr", "-i", dir).Run() })
	if canCreate(dir) {
		t.Skip("no way to make a read-only directory here")
	}
	return dir
}

func canCreate(dir string) bool {
	f, err := os.CreateTemp(dir, "probe-*")
	if err != nil {
		return false
	}
	_ = f.Close()
	_ = os.Remove(f.Name())
	return true
}

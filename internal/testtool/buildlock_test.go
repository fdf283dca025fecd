//go:build unix

package testtool

import (
	"path/filepath"
	"testing"
	"time"
)

func TestLockFileWaitsForRelease(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	release := lockFile(path)
	second := make(chan func())
	go func() { second <- lockFile(path) }()
	select {
	case r := <-second:
		r()
		t.Fatal("a second holder got the lock while the first held it")
	case <-time.After(50 * time.Millisecond):
	}
	release()
	select {
	case r := <-second:
		r()
	case <-time.After(time.Minute):
		t.Fatal("the second holder did not get the lock once it was released")
	}
}

func TestBuildLockPathPerCache(t *testing.T) {
	t.Setenv("GOCACHE", "/a")
	a := buildLockPath()
	t.Setenv("GOCACHE", "/b")
	if b := buildLockPath(); a == b {
		t.Fatalf("two build caches share the lock %s", a)
	}
}

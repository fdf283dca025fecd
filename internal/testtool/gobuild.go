package testtool

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
)

// GoBuild is a go build run at most once per test binary, for tests that
// run the programs it builds: they call Dir, and TestMain calls Remove
// once the tests are done.
type GoBuild struct {
	// Packages are what go build builds, as its arguments name them
	// (relative to the test's package directory).
	Packages []string

	once sync.Once
	dir  string
	err  error
}

// Dir builds Packages into a temporary directory the first time it is
// called and returns that directory, which holds one binary a main
// package, named after it. It skips t without the go command and fails t
// when the build failed.
func (b *GoBuild) Dir(t testing.TB) string {
	t.Helper()
	goTool := goCommand(t, b.Packages)
	b.once.Do(func() {
		if b.dir, b.err = os.MkdirTemp("", "cratos-build-"); b.err == nil {
			b.err = goBuild(goTool, b.dir, b.Packages)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.dir
}

// Remove deletes what Dir built.
func (b *GoBuild) Remove() {
	if b.dir != "" {
		_ = os.RemoveAll(b.dir)
	}
}

// GoBuildTo builds pkgs into dir, one binary a main package, named after
// it. It skips t without the go command and fails t when the build fails.
func GoBuildTo(t testing.TB, dir string, pkgs ...string) {
	t.Helper()
	if err := goBuild(goCommand(t, pkgs), dir, pkgs); err != nil {
		t.Fatal(err)
	}
}

// goCommand returns the path of the go command, skipping t without it.
func goCommand(t testing.TB, pkgs []string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH: cannot build " + strings.Join(pkgs, " "))
	}
	return goTool
}

// goBuild runs go build -o dir/ pkgs and returns its output with the
// error when it fails. The programs are linked without DWARF
// (-ldflags=-w), which only a debugger reads: a third less CPU time in
// linking cratos. They are compiled with the running test binary's
// -gcflags and -tags (sharedBuildFlags), never with its race detector.
// Builds wait for each other (LockBuilds): test binaries run at once, and
// two go commands that need the same package at the same time both
// compile it, where the second would find it in the build cache.
func goBuild(goTool, dir string, pkgs []string) error {
	args := append([]string{"build"}, sharedBuildFlags()...)
	args = append(append(args, "-ldflags=-w", "-o", dir+string(filepath.Separator)), pkgs...)
	defer LockBuilds()()
	if out, err := exec.Command(goTool, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", strings.Join(pkgs, " "), err, out)
	}
	return nil
}

// SharedGoFlags returns GOFLAGS for go commands that a test runs itself
// (a README's go build): the environment's GOFLAGS and sharedBuildFlags,
// so that they too reuse the packages the tests compiled. A flag whose
// value holds a space, which GOFLAGS cannot carry, is left out.
func SharedGoFlags() string {
	flags := strings.Fields(os.Getenv("GOFLAGS"))
	for _, f := range sharedBuildFlags() {
		if !strings.ContainsAny(f, " \t") {
			flags = append(flags, f)
		}
	}
	return strings.Join(flags, " ")
}

// sharedBuildFlags returns the -gcflags and -tags the running test binary
// was built with. Compiled with the same, the programs reuse the packages
// that the tests run without the race detector compiled (make test's
// test-plain compiles without DWARF, -gcflags=all=-dwarf=false) instead of
// compiling them again. The race detector is not passed on: the programs
// run as deployed, and the process tests measure their memory.
func sharedBuildFlags() []string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	var flags []string
	for _, s := range info.Settings {
		if s.Key == "-gcflags" || s.Key == "-tags" {
			flags = append(flags, s.Key+"="+s.Value)
		}
	}
	return flags
}

// LockBuilds waits until no other test process builds with the go command
// into the same build cache (one that also calls LockBuilds), and returns
// the release of its turn.
func LockBuilds() (release func()) { return lockFile(buildLockPath()) }

// buildLockPath names the lock file of LockBuilds: one per build cache, so
// that builds into other caches do not wait.
func buildLockPath() string {
	cache := os.Getenv("GOCACHE")
	if cache == "" {
		if dir, err := os.UserCacheDir(); err == nil {
			cache = filepath.Join(dir, "go-build")
		}
	}
	sum := sha256.Sum256([]byte(cache))
	return filepath.Join(os.TempDir(), "cratos-gobuild-"+hex.EncodeToString(sum[:6])+".lock")
}

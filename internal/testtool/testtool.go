// Package testtool finds the external programs that integration tests run
// (memcached, named, suricata, squid, ...) and reserves loopback ports. It
// also holds what many packages' tests share: a log buffer safe for
// concurrent writers, programs run as daemons for the length of a test, a
// bounded wait for a condition to hold, a settable clock and the process's
// CPU time for benchmarks.
//
// Outside CI a missing program skips the test with a message naming the
// Debian package to install; under CI (CI=true) it fails the test, so a
// runner without the tools can never pass by skipping.
package testtool

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// InCI reports whether the tests run under continuous integration.
func InCI() bool {
	v, _ := strconv.ParseBool(os.Getenv("CI"))
	return v
}

// Require returns the path of program, or skips (fails under CI) naming the
// Debian package that provides it.
func Require(t testing.TB, program, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err == nil {
		return p
	}
	// sbin directories are not always on PATH for non-root users.
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		cand := dir + "/" + program
		if st, serr := os.Stat(cand); serr == nil && st.Mode()&0o111 != 0 {
			return cand
		}
	}
	msg := program + " not found: install the Debian package " + debianPackage + " (make tools)"
	if InCI() {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("reserve port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// FreeUDPAndTCPPort returns a port free for both TCP and UDP on 127.0.0.1,
// as DNS servers need.
func FreeUDPAndTCPPort(t testing.TB) int {
	t.Helper()
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("reserve port: %v", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", "127.0.0.1:"+strconv.Itoa(port))
		l.Close()
		if err == nil {
			u.Close()
			return port
		}
	}
	t.Fatal("no port free for both TCP and UDP")
	return 0
}

// SharedData returns the path of the shared real data folder
// (../shared/data relative to the module root, or $CRATOS_SHARED_DATA), or
// "" when it is absent, as in a fresh clone.
func SharedData() string {
	if p := os.Getenv("CRATOS_SHARED_DATA"); p != "" {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
	}
	if d := SharedDir(); d != "" {
		if st, err := os.Stat(d + "/data"); err == nil && st.IsDir() {
			return d + "/data"
		}
	}
	return ""
}

// SharedDir returns ../shared relative to the module root, or "".
func SharedDir() string {
	root, err := moduleRoot()
	if err != nil {
		return ""
	}
	p := root + "/../shared"
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return p
	}
	return ""
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(dir + "/go.mod"); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

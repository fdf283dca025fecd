// Package memcachedtest starts a real memcached for tests.
//
// The server listens on a free loopback port with a 1 MiB item limit and
// 64 MiB of memory, and is killed when the test ends. Outside CI a missing
// memcached binary skips the test; under CI=true it fails it.
package memcachedtest

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// startTimeout bounds the wait for a new server to accept connections.
const startTimeout = 10 * time.Second

// Start runs memcached on a free 127.0.0.1 port and returns its address and
// a function that kills it (safe to call more than once; it also runs at
// the end of the test).
func Start(t testing.TB) (addr string, stop func()) {
	t.Helper()
	var lastErr string
	for range 3 { // a port found free may be taken before memcached binds it
		addr, stop, errText := start(t, "127.0.0.1", testtool.FreePort(t))
		if errText == "" {
			return addr, stop
		}
		lastErr = errText
	}
	t.Fatalf("memcachedtest: start: %s", lastErr)
	return "", nil
}

// StartOn runs memcached on the given 127.0.0.1 port, for example to bring a
// stopped server back at the address clients already use.
func StartOn(t testing.TB, port int) (addr string, stop func()) {
	t.Helper()
	return StartOnHost(t, "127.0.0.1", port)
}

// StartOnHost runs memcached on the given loopback address and port: on
// Linux, whose loopback is all of 127.0.0.0/8, 127.0.0.2 at the port of a
// server on 127.0.0.1 is that server moved to another address.
func StartOnHost(t testing.TB, host string, port int) (addr string, stop func()) {
	t.Helper()
	addr, stop, errText := start(t, host, port)
	if errText != "" {
		t.Fatalf("memcachedtest: start on %s port %d: %s", host, port, errText)
	}
	return addr, stop
}

// start runs one server; on failure it returns a description instead.
func start(t testing.TB, host string, port int) (string, func(), string) {
	t.Helper()
	bin := testtool.Require(t, "memcached", "memcached")
	args := []string{"-l", host, "-p", strconv.Itoa(port), "-U", "0", "-m", "64", "-I", "1m"}
	if os.Geteuid() == 0 {
		args = append(args, "-u", "root") // memcached refuses to run as root otherwise
	}
	cmd := exec.Command(bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return "", nil, err.Error()
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()

	var once sync.Once
	stop := func() {
		once.Do(func() {
			_ = cmd.Process.Kill()
			<-exited
		})
	}
	t.Cleanup(stop)

	addr := net.JoinHostPort(host, strconv.Itoa(port))
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return "", nil, "memcached exited: " + out.String()
		default:
		}
		if answers(addr) {
			select {
			case <-exited: // someone else's server holds the port
				return "", nil, "memcached exited: " + out.String()
			default:
				return addr, stop, ""
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	return "", nil, "memcached did not answer within " + startTimeout.String()
}

// answers reports whether a memcached at addr answers the version command.
func answers(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("version\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "VERSION ")
}

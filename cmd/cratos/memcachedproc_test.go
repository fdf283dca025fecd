package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// startMemcached runs memcached with extra arguments on a free loopback
// port and returns its address; it is stopped when the test ends. A
// missing memcached skips the test, or fails it under CI.
func startMemcached(t testing.TB, args ...string) string {
	t.Helper()
	bin := testtool.Require(t, "memcached", "memcached")
	addr := "127.0.0.1:" + strconv.Itoa(testtool.FreePort(t))
	_, port, _ := net.SplitHostPort(addr)
	args = append([]string{"-l", "127.0.0.1", "-p", port, "-U", "0"}, args...)
	if os.Geteuid() == 0 {
		args = append(args, "-u", "root") // memcached refuses to run as root otherwise
	}
	d := testtool.StartDaemon(t, "memcached", exec.Command(bin, args...))
	testtool.WaitFor(t, "memcached to answer", time.Minute, func() bool {
		select {
		case <-d.Done():
			t.Fatalf("memcached exited: %s", d.Log.String())
		default:
		}
		_, err := memcachedCommand(addr, "version\r\n", "VERSION ")
		return err == nil
	})
	return addr
}

// memcachedCommand sends one text protocol command and returns the answer
// up to and including the first line starting with end.
func memcachedCommand(addr, command, end string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, command); err != nil {
		return "", err
	}
	r := bufio.NewReader(c)
	var b strings.Builder
	for {
		line, err := r.ReadString('\n')
		b.WriteString(line)
		if err != nil {
			return b.String(), err
		}
		if strings.HasPrefix(line, end) || strings.HasPrefix(line, "SERVER_ERROR") || strings.HasPrefix(line, "ERROR") {
			return b.String(), nil
		}
	}
}

// memcachedStat returns one counter of memcached's stats.
func memcachedStat(t testing.TB, addr, name string) int {
	t.Helper()
	out, err := memcachedCommand(addr, "stats\r\n", "END")
	if err != nil {
		t.Fatalf("memcached stats: %v", err)
	}
	for line := range strings.Lines(out) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "STAT "+name+" "); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	t.Fatalf("no %s in %q", name, out)
	return 0
}

// fillMemcached stores 64 KiB items until memcached (started with -M)
// answers that it is out of memory, and returns how many it stored.
func fillMemcached(t testing.TB, addr string) int {
	t.Helper()
	value := strings.Repeat("x", 64<<10)
	for i := range 1000 {
		out, err := memcachedCommand(addr, fmt.Sprintf("set fill-%d 0 0 %d\r\n%s\r\n", i, len(value), value), "STORED")
		if err != nil {
			t.Fatalf("fill memcached: %v", err)
		}
		if strings.HasPrefix(out, "SERVER_ERROR out of memory") {
			return i
		}
	}
	t.Fatal("memcached still stores 64 KiB items after 1,000 of them")
	return 0
}

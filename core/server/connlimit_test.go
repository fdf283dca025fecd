package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// serveLimited serves a trivial handler behind a limitListener.
func serveLimited(t *testing.T, total, perAddr int, exempt func(netip.Addr) bool) (string, *limitListener) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ll := newLimitListener(ln, total, perAddr, exempt, nil)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }),
		ReadHeaderTimeout: time.Minute}
	go func() { _ = srv.Serve(ll) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String(), ll
}

// dialFrom connects to addr from the loopback address src.
func dialFrom(t *testing.T, src, addr string) net.Conn {
	t.Helper()
	c, err := dialErr(src, addr)
	if err != nil {
		t.Fatalf("dial from %s: %v", src, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func dialErr(src, addr string) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 10 * time.Second}
	return d.Dial("tcp", addr)
}

// request connects from src and sends one request; a connection closed
// by the server (even during the handshake on loopback) is an error.
func request(src, addr string) (string, error) {
	c, err := dialErr(src, addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	return getOn(c)
}

// get sends one request on c and returns the status line, or the error.
func getOn(c net.Conn) (string, error) {
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line), err
}

// waitOpen waits until the listener holds n connections.
func waitOpen(t *testing.T, ll *limitListener, n int) {
	t.Helper()
	testtool.WaitFor(t, fmt.Sprintf("the listener to reach %d open connections", n), time.Minute, func() bool { return ll.caps.Open() == n })
}

func TestConnLimitPerAddressAndTotal(t *testing.T) {
	addr, ll := serveLimited(t, 30, 10, func(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.9") })

	// One address holds its 10 idle connections; its 11th is closed.
	for range 10 {
		dialFrom(t, "127.0.0.2", addr)
	}
	waitOpen(t, ll, 10)
	if line, err := request("127.0.0.2", addr); err == nil {
		t.Errorf("11th connection from one address answered %q, want it closed", line)
	}
	// Another address is served meanwhile.
	if line, err := getOn(dialFrom(t, "127.0.0.3", addr)); err != nil || line != "HTTP/1.1 200 OK" {
		t.Errorf("other address: %q %v, want 200", line, err)
	}

	// The total cap: 127.0.0.4 and .5 fill the rest (the served
	// connection from .3 is still open).
	for range 10 {
		dialFrom(t, "127.0.0.4", addr)
	}
	held := make([]net.Conn, 0, 9)
	for range 9 {
		held = append(held, dialFrom(t, "127.0.0.5", addr))
	}
	waitOpen(t, ll, 30)
	if line, err := request("127.0.0.6", addr); err == nil {
		t.Errorf("connection past the total cap answered %q, want it closed", line)
	}
	// An exempt address (a trusted proxy) has no per-address cap but
	// still counts in the total.
	if _, err := request("127.0.0.9", addr); err == nil {
		t.Errorf("exempt address past the total cap was served")
	}
	// Freed places are taken again.
	for _, c := range held {
		_ = c.Close()
	}
	waitOpen(t, ll, 21)
	if line, err := request("127.0.0.6", addr); err != nil || line != "HTTP/1.1 200 OK" {
		t.Errorf("after connections closed: %q %v, want 200", line, err)
	}
	if n := ll.caps.Refused(); n != 3 {
		t.Errorf("refused %d connections, want 3", n)
	}
}

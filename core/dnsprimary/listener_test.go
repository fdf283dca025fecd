package dnsprimary

import (
	"log/slog"
	"net"
	"testing"
	"time"
)

// A DNS connection gives its place back when first closed, and only then.
func TestCappedConnReleasesOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := newCapListener(ln, 2, 2, slog.New(slog.DiscardHandler))
	defer l.Close()
	var conns []net.Conn
	for range 2 {
		// The kernel completes the handshake before Accept.
		client, err := net.DialTimeout("tcp", ln.Addr().String(), 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		c, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	if n := l.caps.Open(); n != 2 {
		t.Fatalf("%d open, want 2", n)
	}
	_ = conns[0].Close()
	_ = conns[0].Close()
	if n := l.caps.Open(); n != 1 {
		t.Errorf("%d open after one connection closed twice, want 1", n)
	}
	_ = conns[1].Close()
	if n := l.caps.Open(); n != 0 {
		t.Errorf("%d open after both closed, want 0", n)
	}
}

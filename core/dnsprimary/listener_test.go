package dnsprimary

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"syscall"
	"testing"
	"time"
)

// acceptAll accepts from l until it is closed, sending each connection.
func acceptAll(l net.Listener) <-chan net.Conn {
	ch := make(chan net.Conn, 64)
	go func() {
		defer close(ch)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			ch <- c
		}
	}()
	return ch
}

// dialFrom opens a connection to addr from the loopback address src.
func dialFrom(t *testing.T, src, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 10 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// closedWithin reports whether the server closed c, without a word,
// within wait.
func closedWithin(t *testing.T, c net.Conn, wait time.Duration) bool {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(wait))
	_, err := c.Read(make([]byte, 1))
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)
}

// The caps close a connection over them at once and count a closed one
// no more, per address and in total.
func TestCapListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := newCapListener(ln, 3, 2, slog.New(slog.DiscardHandler))
	defer l.Close()
	accepted := acceptAll(l)
	addr := ln.Addr().String()
	next := func() net.Conn {
		t.Helper()
		select {
		case c := <-accepted:
			return c
		case <-time.After(10 * time.Second):
			t.Fatal("no connection accepted")
			return nil
		}
	}

	a1, a2 := dialFrom(t, "127.0.0.1", addr), dialFrom(t, "127.0.0.1", addr)
	s1, _ := next(), next()
	// A connection over a cap is closed as soon as it is accepted; one
	// under them stays open.
	closed := func(c net.Conn) bool { return closedWithin(t, c, 10*time.Second) }
	open := func(c net.Conn) bool { return !closedWithin(t, c, 200*time.Millisecond) }
	if over := dialFrom(t, "127.0.0.1", addr); !closed(over) {
		t.Error("a third connection from one address was kept")
	}
	b1 := dialFrom(t, "127.0.0.2", addr)
	next()
	if over := dialFrom(t, "127.0.0.3", addr); !closed(over) {
		t.Error("a fourth connection in all was kept")
	}
	// A place given back is taken again, once: a second Close gives none.
	_ = s1.Close()
	_ = s1.Close()
	if !closed(a1) {
		t.Error("the closed connection's client did not see it closed")
	}
	dialFrom(t, "127.0.0.1", addr)
	next()
	if over := dialFrom(t, "127.0.0.4", addr); !closed(over) {
		t.Error("a closed connection was counted twice")
	}
	for _, c := range []net.Conn{a2, b1} {
		if !open(c) {
			t.Error("a connection under the caps was closed")
		}
	}
}

// flakyListener fails its first accepts with errors, then accepts.
type flakyListener struct {
	net.Listener
	errs []error
}

func (l *flakyListener) Accept() (net.Conn, error) {
	if len(l.errs) > 0 {
		err := l.errs[0]
		l.errs = l.errs[1:]
		return nil, err
	}
	return l.Listener.Accept()
}

// Accept errors, temporary or not, are waited out: the DNS library would
// spin on the first kind and stop serving TCP on the second.
func TestCapListenerWaitsOutAcceptErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	flaky := &flakyListener{Listener: ln, errs: []error{
		&net.OpError{Op: "accept", Net: "tcp", Err: syscall.EMFILE},
		&net.OpError{Op: "accept", Net: "tcp", Err: syscall.EPROTO},
	}}
	l := newCapListener(flaky, 3, 2, slog.New(slog.DiscardHandler))
	defer l.Close()
	dialFrom(t, "127.0.0.1", ln.Addr().String())
	c, err := l.Accept()
	if err != nil {
		t.Fatalf("Accept: %v", err)
	}
	_ = c.Close()
	_ = l.Close()
	if _, err := l.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v, want net.ErrClosed", err)
	}
}

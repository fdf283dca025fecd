package connlimit

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"syscall"
	"testing"
	"time"
)

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

// refused reports whether a connection from src to addr is closed by the
// other end at once: reset while it is made (a refused connection is
// closed without TIME_WAIT, by a reset), or closed within wait.
func refused(t *testing.T, src, addr string, wait time.Duration) bool {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 10 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return errors.Is(err, syscall.ECONNRESET)
	}
	defer c.Close()
	return closedWithin(c, wait)
}

// closedWithin reports whether the other end closed c within wait.
func closedWithin(c net.Conn, wait time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(wait))
	_, err := c.Read(make([]byte, 1))
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)
}

// The caps close a connection over them as it is accepted, per address
// (an exempt one has none of its own) and in total, and count a released
// place no more.
func TestCaps(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	exempt := netip.MustParseAddr("127.0.0.9")
	caps := New(5, 2, func(a netip.Addr) bool { return a == exempt }, slog.New(slog.DiscardHandler))
	type accepted struct {
		conn net.Conn
		key  netip.Addr
	}
	ch := make(chan accepted, 16)
	go func() {
		for {
			c, key, err := caps.Accept(ln)
			if err != nil {
				close(ch)
				return
			}
			ch <- accepted{c, key}
		}
	}()
	addr := ln.Addr().String()
	next := func() accepted {
		t.Helper()
		select {
		case a := <-ch:
			return a
		case <-time.After(10 * time.Second):
			t.Fatal("no connection accepted")
			return accepted{}
		}
	}
	closed := func(c net.Conn) bool { return closedWithin(c, 10*time.Second) }
	open := func(c net.Conn) bool { return !closedWithin(c, 200*time.Millisecond) }

	a1, a2 := dialFrom(t, "127.0.0.1", addr), dialFrom(t, "127.0.0.1", addr)
	first, _ := next(), next()
	if first.key != netip.MustParseAddr("127.0.0.1") {
		t.Errorf("key %v, want 127.0.0.1", first.key)
	}
	if !refused(t, "127.0.0.1", addr, 10*time.Second) {
		t.Error("a third connection from one address was kept")
	}
	// An exempt address (a trusted proxy) has no cap of its own.
	var exempted []net.Conn
	for range 3 {
		exempted = append(exempted, dialFrom(t, "127.0.0.9", addr))
		next()
	}
	if !refused(t, "127.0.0.3", addr, 10*time.Second) {
		t.Error("a sixth connection in all was kept")
	}
	if !refused(t, "127.0.0.9", addr, 10*time.Second) {
		t.Error("an exempt address passed the total cap")
	}
	if n := caps.Refused(); n != 3 {
		t.Errorf("refused %d, want 3", n)
	}
	_ = first.conn.Close()
	caps.Release(first.key)
	if !closed(a1) {
		t.Error("the closed connection's client did not see it closed")
	}
	dialFrom(t, "127.0.0.1", addr)
	next()
	if n := caps.Open(); n != 5 {
		t.Errorf("%d open, want 5", n)
	}
	for _, c := range append(exempted, a2) {
		if !open(c) {
			t.Error("a connection under the caps was closed")
		}
	}
}

// flakyListener fails its first accepts with errs, then accepts.
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

// Accept errors are waited out, temporary or not; only a closed listener
// ends Accept.
func TestAcceptErrorsAreWaitedOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	emfile := &net.OpError{Op: "accept", Net: "tcp", Err: &osSyscallError{syscall.EMFILE}}
	flaky := &flakyListener{Listener: ln, errs: []error{emfile, emfile, &net.OpError{Op: "accept", Net: "tcp", Err: syscall.ECONNABORTED},
		&net.OpError{Op: "accept", Net: "tcp", Err: syscall.EPROTO}}}
	caps := New(10, 10, nil, nil)
	dialFrom(t, "127.0.0.1", ln.Addr().String())
	c, _, err := caps.Accept(flaky)
	if err != nil {
		t.Fatalf("Accept after errors: %v, want the connection", err)
	}
	_ = c.Close()
	_ = ln.Close()
	if _, _, err := caps.Accept(flaky); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept on a closed listener: %v, want net.ErrClosed", err)
	}
}

// osSyscallError is the shape of the os package's error for a failed
// accept4.
type osSyscallError struct{ errno syscall.Errno }

func (e *osSyscallError) Error() string { return "accept4: " + e.errno.Error() }
func (e *osSyscallError) Unwrap() error { return e.errno }

// An exempt address's connections count in no address's cap: released,
// they take nothing off the count of the others in its /64.
func TestExemptCountsUnderNoKey(t *testing.T) {
	proxy, host := netip.MustParseAddr("2001:db8::10"), netip.MustParseAddr("2001:db8::20")
	caps := New(10, 2, func(a netip.Addr) bool { return a == proxy }, nil)
	for i := range 2 {
		if key, ok, _ := caps.admit(host); !ok || key != netip.MustParseAddr("2001:db8::") {
			t.Fatalf("host connection %d: key %v, admitted %v", i, key, ok)
		}
	}
	key, ok, _ := caps.admit(proxy)
	if !ok || key.IsValid() {
		t.Fatalf("proxy connection: key %v, admitted %v; want admitted under no key", key, ok)
	}
	caps.Release(key)
	if _, ok, _ := caps.admit(host); ok {
		t.Error("the proxy's closed connection gave the host a third place in its /64")
	}
	if n := caps.Open(); n != 2 {
		t.Errorf("%d places held, want 2", n)
	}
}

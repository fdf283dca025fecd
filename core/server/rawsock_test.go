//go:build linux

package server

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// rawPair returns the server side of a loopback TCP connection as a
// rawSock, and the client side.
func rawPair(t *testing.T) (*rawSock, net.Conn, net.Conn) {
	t.Helper()
	c, client, _ := tcpPair(t)
	s := newRawSock(c, nil)
	if s == nil {
		t.Fatal("no raw socket for a TCP connection")
	}
	return s, c, client
}

// pattern returns n bytes that differ from one place to the next.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>8)
	}
	return b
}

func TestRawSockRead(t *testing.T) {
	cases := []struct {
		name    string
		peer    func(t *testing.T, client net.Conn) // what the client does first
		want    []byte                              // bytes read before the end
		wantErr func(err error) bool                // what ends the reading
		// deadline is the read deadline: short only where it is what
		// ends the reading, so a busy machine reads the rest in time.
		deadline time.Duration
	}{
		{"what the peer wrote, then its close", func(t *testing.T, c net.Conn) {
			if _, err := c.Write(pattern(100_000)); err != nil {
				t.Fatal(err)
			}
			_ = c.Close()
		}, pattern(100_000), func(err error) bool { return err == io.EOF }, time.Minute},
		{"past the read deadline", func(t *testing.T, c net.Conn) {
			if _, err := c.Write([]byte("GET")); err != nil {
				t.Fatal(err)
			}
		}, []byte("GET"), func(err error) bool {
			var ne net.Error
			return errors.As(err, &ne) && ne.Timeout() && errors.Is(err, os.ErrDeadlineExceeded)
		}, 300 * time.Millisecond},
		{"a reset", func(t *testing.T, c net.Conn) {
			_ = c.(*net.TCPConn).SetLinger(0)
			_ = c.Close()
		}, nil, func(err error) bool { return errors.Is(err, syscall.ECONNRESET) }, time.Minute},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, c, client := rawPair(t)
			tc.peer(t, client)
			_ = c.SetReadDeadline(time.Now().Add(tc.deadline))
			var got []byte
			buf := make([]byte, 4096)
			for {
				n, err := s.Read(buf)
				got = append(got, buf[:n]...)
				if err == nil {
					continue
				}
				if !tc.wantErr(err) {
					t.Fatalf("read ended with %v (%T)", err, err)
				}
				if oe := (*net.OpError)(nil); err != io.EOF && (!errors.As(err, &oe) || oe.Op != "read" || oe.Addr == nil) {
					t.Errorf("error %v: want a *net.OpError of a read, naming the peer", err)
				}
				break
			}
			if !bytes.Equal(got, tc.want) {
				t.Errorf("read %d bytes, want %d", len(got), len(tc.want))
			}
		})
	}
}

func TestRawSockWritev(t *testing.T) {
	cases := []struct {
		name       string
		head, body int
	}{
		{"a body", 0, 3 << 20},
		{"a header and a body", 300, 3 << 20},
		{"a header alone", 300, 0},
		{"a header longer than one call sends", rawChunk + 5, 10},
		{"nothing", 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, c, client := rawPair(t)
			// A small send buffer and a slow reader: the socket fills, and
			// the writer waits for room.
			if err := c.(*net.TCPConn).SetWriteBuffer(16 << 10); err != nil {
				t.Fatal(err)
			}
			want := pattern(tc.head + tc.body)
			got := make(chan []byte, 1)
			go func() {
				var b []byte
				buf := make([]byte, 8192)
				_ = client.SetReadDeadline(time.Now().Add(time.Minute))
				for {
					n, err := client.Read(buf)
					b = append(b, buf[:n]...)
					if err != nil {
						got <- b
						return
					}
					time.Sleep(time.Millisecond / 4)
				}
			}()
			n, err := s.writev(want[:tc.head], want[tc.head:])
			if n != len(want) || err != nil {
				t.Fatalf("writev = %d, %v; want %d, nil", n, err, len(want))
			}
			_ = c.Close()
			if b := <-got; !bytes.Equal(b, want) {
				t.Fatalf("the peer read %d bytes, not the %d written", len(b), len(want))
			}
		})
	}
}

func TestRawSockWriteErrors(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(c, client net.Conn)
		wantErr func(err error) bool
	}{
		{"past the write deadline, the peer reading nothing", func(c, _ net.Conn) {
			_ = c.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
		}, func(err error) bool {
			var ne net.Error
			return errors.As(err, &ne) && ne.Timeout()
		}},
		{"the peer gone", func(_, client net.Conn) {
			_ = client.(*net.TCPConn).SetLinger(0)
			_ = client.Close()
			time.Sleep(50 * time.Millisecond)
		}, func(err error) bool { return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) }},
		{"the connection closed here", func(c, _ net.Conn) { _ = c.Close() }, func(err error) bool { return errors.Is(err, net.ErrClosed) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, c, client := rawPair(t)
			tc.setup(c, client)
			n, err := s.Write(pattern(64 << 20))
			if err == nil || !tc.wantErr(err) {
				t.Fatalf("Write = %d, %v (%T)", n, err, err)
			}
			if oe := (*net.OpError)(nil); !errors.As(err, &oe) || oe.Op != "write" {
				t.Errorf("error %v: want a *net.OpError of a write", err)
			}
			if n >= 64<<20 {
				t.Errorf("wrote all %d bytes and failed", n)
			}
		})
	}
}

func TestUnsent(t *testing.T) {
	cases := []struct {
		name       string
		head, body int
		sent       int
		want       []int // the vectors' lengths
	}{
		{"all of both", 10, 20, 0, []int{10, 20}},
		{"part of the header sent", 10, 20, 4, []int{6, 20}},
		{"the header sent", 10, 20, 10, []int{20}},
		{"part of the body sent", 10, 20, 15, []int{15}},
		{"no header", 0, 20, 0, []int{20}},
		{"a long body cut to one call's worth", 10, 2 * rawChunk, 0, []int{10, rawChunk - 10}},
		{"a long header cut", rawChunk + 1, 5, 0, []int{rawChunk}},
		{"all sent", 10, 20, 30, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			head, body := pattern(tc.head), pattern(tc.body)
			var iov [2]unix.Iovec
			n := unsent(&iov, head, body, tc.sent)
			var got []int
			for _, v := range iov[:n] {
				got = append(got, int(v.Len))
			}
			if len(got) != len(tc.want) {
				t.Fatalf("vectors %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("vectors %v, want %v", got, tc.want)
				}
			}
			if n > 0 {
				// The first vector starts at the first byte not sent.
				all := append(append([]byte{}, head...), body...)
				if *iov[0].Base != all[tc.sent] {
					t.Errorf("the first vector starts at the wrong byte")
				}
			}
		})
	}
}

// A connection without a socket of its own is read and written as the
// net.Conn it is.
func TestLimitConnWithoutSocket(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	lc := newLimitConn(a, newLimitListener(ln, 1, 1, nil, nil), netip.Addr{})
	if lc.sock != nil {
		t.Fatal("a pipe has no socket")
	}
	go func() { _, _ = b.Write([]byte("ping")) }()
	buf := make([]byte, 4)
	if _, err := io.ReadFull(lc, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("read %q, %v", buf, err)
	}
	go func() { _, _ = lc.Write([]byte("pong")) }()
	if _, err := io.ReadFull(b, buf); err != nil || string(buf) != "pong" {
		t.Fatalf("peer read %q, %v", buf, err)
	}
}

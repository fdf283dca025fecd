package server

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// heldPair returns the server side of a loopback TCP connection as a
// limitConn, and its client side.
func heldPair(t *testing.T) (*limitConn, net.Conn) {
	t.Helper()
	c, client, ln := tcpPair(t)
	lc := newLimitConn(c, newLimitListener(ln, 1, 1, nil, nil), netip.Addr{})
	t.Cleanup(func() { _ = lc.Close() })
	return lc, client
}

// tcpPair returns both ends of a loopback TCP connection, accepted and
// dialled, closed when the test ends, and the listener it was accepted
// on, already closed.
func tcpPair(t *testing.T) (accepted, dialled net.Conn, ln net.Listener) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dialled, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dialled.Close() })
	accepted, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = accepted.Close() })
	return accepted, dialled, ln
}

// readN reads n bytes from c.
func readN(t *testing.T, c net.Conn, n int) []byte {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	b := make([]byte, n)
	if _, err := io.ReadFull(c, b); err != nil {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	return b
}

// readAsync reads up to n bytes from c in the background: what arrived
// before the end, an error or a deadline. A short answer is the caller's
// to report, so a test never waits for one that will not come.
func readAsync(c net.Conn, n int) <-chan []byte {
	got := make(chan []byte, 1)
	go func() {
		_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
		b := make([]byte, n)
		k, _ := io.ReadFull(c, b)
		got <- b[:k]
	}()
	return got
}

// writeCalls returns how many write system calls this process has made.
func writeCalls(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		t.Skipf("no /proc/self/io: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "syscw: "); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Skip("no syscw in /proc/self/io")
	return 0
}

// An answer written as fasthttp writes it (a header, then a body through
// a 4 KiB buffer) leaves in one write when announced, in two or more when
// not, and arrives whole either way.
func TestAnnouncedAnswerLeavesInOneWrite(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts write system calls in /proc/self/io")
	}
	header := "HTTP/1.1 200 OK\r\nContent-Length: N\r\n\r\n"
	for _, tc := range []struct {
		name      string
		body      int
		announced bool
		writes    int
	}{
		{"5 KiB", 5 << 10, true, 1},
		{"58 KiB", 58 << 10, true, 1},
		{"150 KiB", 150 << 10, true, 1},
		{"58 KiB not announced", 58 << 10, false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, client := heldPair(t)
			body := bytes.Repeat([]byte("0123456789abcdef"), tc.body/16)
			want := append([]byte(header), body...)
			// The fewest writes of several tries: other goroutines of
			// this process may write at the same time, never fewer.
			fewest := 1 << 30
			for range 5 {
				got := readAsync(client, len(want))
				before := writeCalls(t)
				if tc.announced {
					srv.holdUntil(len(body), nil)
				}
				w := bufio.NewWriterSize(srv, 4096)
				_, _ = w.WriteString(header)
				_, _ = w.Write(body)
				if err := w.Flush(); err != nil {
					t.Fatal(err)
				}
				fewest = min(fewest, writeCalls(t)-before)
				if b := <-got; !bytes.Equal(b, want) {
					t.Fatalf("client got %d bytes, not the %d written", len(b), len(want))
				}
			}
			if fewest != tc.writes {
				t.Errorf("answer left in %d writes, want %d", fewest, tc.writes)
			}
			if srv.holding.Load() || srv.hold != nil {
				t.Error("still holding after the answer")
			}
		})
	}
}

// What an answer shorter than announced leaves held goes out when the
// connection is read or closed, and what follows a second announcement
// keeps its order.
func TestHeldBytesAreNeverLost(t *testing.T) {
	t.Run("read", func(t *testing.T) {
		srv, client := heldPair(t)
		srv.holdUntil(1000, nil)
		if n, err := srv.Write([]byte("short answer")); n != 12 || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
		if got := string(srv.held()); got != "short answer" {
			t.Fatalf("held %q", got)
		}
		go func() { _, _ = client.Write([]byte("next request")) }()
		buf := make([]byte, 64)
		n, err := srv.Read(buf)
		if err != nil || string(buf[:n]) != "next request" {
			t.Fatalf("Read = %q, %v", buf[:n], err)
		}
		if got := readN(t, client, 12); string(got) != "short answer" {
			t.Fatalf("client got %q", got)
		}
	})
	t.Run("close", func(t *testing.T) {
		srv, client := heldPair(t)
		srv.holdUntil(1000, nil)
		_, _ = srv.Write([]byte("last answer"))
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
		_ = client.SetReadDeadline(time.Now().Add(30 * time.Second))
		got, err := io.ReadAll(client)
		if err != nil || string(got) != "last answer" {
			t.Fatalf("client got %q, %v", got, err)
		}
	})
	t.Run("pipelined", func(t *testing.T) {
		srv, client := heldPair(t)
		srv.holdUntil(10, nil)
		_, _ = srv.Write([]byte("first"))
		srv.holdUntil(10, nil) // a second answer before the first is complete
		_, _ = srv.Write([]byte("-and-more"))
		if got := string(srv.held()); got != "first-and-more" {
			t.Fatalf("held %q, want both writes until 15 bytes", got)
		}
		_, _ = srv.Write([]byte("!"))
		if got := readN(t, client, 15); string(got) != "first-and-more!" {
			t.Fatalf("client got %q", got)
		}
	})
	t.Run("bounded", func(t *testing.T) {
		srv, client := heldPair(t)
		srv.holdUntil(1<<20, nil)
		part := bytes.Repeat([]byte("x"), 40<<10)
		_, _ = srv.Write(part)
		_, _ = srv.Write(part) // past maxHeld: both go out
		if srv.hold != nil || srv.holding.Load() {
			t.Fatal("held more than maxHeld")
		}
		if got := readN(t, client, 80<<10); !bytes.Equal(got, append(part, part...)) {
			t.Fatal("client got other bytes")
		}
	})
}

// writerFunc is an io.Writer that hands every write to a function.
type writerFunc func([]byte)

func (f writerFunc) Write(b []byte) (int, error) { f(b); return len(b), nil }

// FuzzHeldWrites runs a sequence of announcements, writes and reads on
// a connection: the client receives every byte written, in order, and no
// more than maxHeld is ever held. Each three bytes of ops are one step:
// its kind, then a size. Answers with a body of their own, announced
// whole or cut short, may leave from their answer files.
func FuzzHeldWrites(f *testing.F) {
	f.Add([]byte{0, 0x10, 0, 1, 0x01, 0, 1, 0x30, 0})       // announce 16 KiB, write 256 B, write 12 KiB
	f.Add([]byte{0, 0xff, 0xff, 1, 0xff, 0xff, 1, 0x10, 0}) // past maxHeld
	f.Add([]byte{0, 0x01, 0, 1, 0x00, 0x10, 2, 0, 0, 0, 0x01, 0, 1, 0x01, 0})
	f.Add([]byte{3, 0x44, 0, 3, 0x44, 0, 4, 0x44, 0, 1, 0x01, 0, 3, 0x01, 0}) // a list answered three times (from its file the second and third, cut short the third), a write, a small answer
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 300 {
			return
		}
		srv, client := heldPair(t)
		got := make(chan []byte, 1)
		go func() {
			_ = client.SetReadDeadline(time.Now().Add(time.Minute))
			b, _ := io.ReadAll(client)
			got <- b
		}()
		var want []byte
		bodies := map[int][]byte{}
		write := func(b []byte) {
			if n, err := srv.Write(b); n != len(b) || err != nil {
				t.Fatalf("Write(%d bytes) = %d, %v", len(b), n, err)
			}
			want = append(want, b...)
		}
		for i := 0; i+2 < len(ops); i += 3 {
			size := int(ops[i+1])<<8 | int(ops[i+2])
			switch ops[i] % 5 {
			case 0:
				srv.holdUntil(size, nil)
			case 1:
				b := make([]byte, size)
				for k := range b {
					b[k] = byte(len(want) + k)
				}
				write(b)
			case 2:
				if err := srv.flushHeld(); err != nil {
					t.Fatal(err)
				}
				if srv.hold != nil {
					t.Fatal("held after a flush")
				}
			case 3, 4: // an answer as fasthttp writes it; 4 stops halfway
				body, ok := bodies[size] // the same list again: from its file
				if !ok {
					body = bytes.Repeat([]byte{byte(i), byte(size)}, size*2)
					bodies[size] = body
				}
				srv.announce(body)
				if ops[i]%5 == 4 {
					body = body[:len(body)/2]
				}
				w := bufio.NewWriterSize(writerFunc(write), 4096)
				_, _ = w.WriteString("HTTP/1.1 200 OK\r\n\r\n")
				_, _ = w.Write(body)
				if err := w.Flush(); err != nil {
					t.Fatal(err)
				}
			}
			if len(srv.held()) > maxHeld {
				t.Fatalf("holds %d bytes", len(srv.held()))
			}
		}
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
		if b := <-got; !bytes.Equal(b, want) {
			t.Fatalf("client got %d bytes, want the %d written, in order", len(b), len(want))
		}
	})
}

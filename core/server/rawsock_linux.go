package server

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A connection's reads and writes are raw system calls. Go's own socket
// calls tell the runtime that they may block (entersyscall), and when
// every processor was idle just before, that wakes the runtime's monitor
// thread, which then polls every 20 µs for a millisecond or more: under a
// steady stream of requests, thousands of wake-ups a second and a tenth of
// the CPU time of a 145 KiB answer (BENCHMARKS.md). A read, write, writev,
// sendto or sendfile (from a memory file) on a non-blocking socket never
// waits, so the runtime need not be told: the goroutine keeps its
// processor for the call, which rawChunk keeps short, and waits in the
// poller as before when the socket is not ready.

// rawChunk is the most one system call is given to send: some tens of
// microseconds of copying, during which the goroutine cannot be preempted.
const rawChunk = 256 << 10

// rawSock reads and writes a connection's socket by raw system calls.
// Each direction keeps the state of the call under way, and the callback
// that makes it, so that a read or a write allocates nothing.
type rawSock struct {
	rc   syscall.RawConn
	conn net.Conn // for the addresses its errors name
	// progressed is called when a write sent something, whenever the
	// socket had room (limitConn.progressed).
	progressed func()

	rmu     sync.Mutex
	rd      rawRead
	readNow func(fd uintptr) bool // rd.once

	wmu      sync.Mutex
	wr       rawWrite
	writeNow func(fd uintptr) bool // wr.once
}

// newRawSock returns c's socket, or nil when c is not one; progressed, if
// not nil, is called whenever a write sent something.
func newRawSock(c net.Conn, progressed func()) *rawSock {
	rc, ok := rawConnOf(c)
	if !ok {
		return nil
	}
	if progressed == nil {
		progressed = func() {}
	}
	s := &rawSock{rc: rc, conn: c, progressed: progressed}
	s.readNow = s.rd.once
	s.writeNow = func(fd uintptr) bool {
		before := s.wr.sent
		done := s.wr.once(fd)
		if s.wr.sent > before {
			s.progressed()
		}
		return done
	}
	return s
}

// rawRead is a read under way.
type rawRead struct {
	b     []byte
	n     int
	errno syscall.Errno
}

// once reads, and reports whether the read is done (it is not when the
// socket has nothing to read yet).
func (r *rawRead) once(fd uintptr) bool {
	r.n, r.errno = readSocket(fd, r.b)
	return r.errno != unix.EAGAIN
}

// Read reads into b as net.Conn.Read does: io.EOF once the peer has
// closed, a timeout error past the read deadline.
func (s *rawSock) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	s.rmu.Lock()
	s.rd = rawRead{b: b}
	err := s.rc.Read(s.readNow)
	n, errno := s.rd.n, s.rd.errno
	s.rd = rawRead{}
	s.rmu.Unlock()
	switch {
	case err != nil:
		return 0, s.opError("read", err)
	case errno != 0:
		return 0, s.opError("read", os.NewSyscallError("read", errno))
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

// rawWrite is a write of head, then b, under way.
type rawWrite struct {
	head, b []byte
	sent    int
	errno   syscall.Errno
	iov     [2]unix.Iovec
}

// once writes until all is sent, the socket is full or a call fails, and
// reports whether the write is done (it is not when the socket is full).
func (w *rawWrite) once(fd uintptr) bool {
	for total := len(w.head) + len(w.b); w.sent < total; {
		n := unsent(&w.iov, w.head, w.b, w.sent)
		var m int
		m, w.errno = retried(func() (uintptr, uintptr, syscall.Errno) {
			return unix.RawSyscall(unix.SYS_WRITEV, fd, uintptr(unsafe.Pointer(&w.iov[0])), uintptr(n))
		})
		if w.errno != 0 {
			return w.errno != unix.EAGAIN
		}
		w.sent += m
	}
	return true
}

// Write writes all of b, waiting for room as net.Conn.Write does.
func (s *rawSock) Write(b []byte) (int, error) { return s.writev(nil, b) }

// writev writes head, then b, in as few system calls as the socket takes
// them, and returns how many bytes of both it wrote.
func (s *rawSock) writev(head, b []byte) (int, error) {
	written()
	s.wmu.Lock()
	s.wr = rawWrite{head: head, b: b}
	err := s.rc.Write(s.writeNow)
	sent, errno := s.wr.sent, s.wr.errno
	s.wr = rawWrite{} // no buffer stays reachable
	s.wmu.Unlock()
	switch {
	case err != nil:
		return sent, s.opError("write", err)
	case errno != 0:
		return sent, s.opError("write", os.NewSyscallError("writev", errno))
	}
	return sent, nil
}

// unsent fills iov with what of head and b is not sent yet, rawChunk
// bytes at most, and returns how many vectors it filled.
func unsent(iov *[2]unix.Iovec, head, b []byte, sent int) int {
	n, room := 0, rawChunk
	for _, part := range [2][]byte{head, b} {
		if sent >= len(part) {
			sent -= len(part)
			continue
		}
		part = part[sent:min(len(part), sent+room)]
		sent = 0
		if len(part) == 0 {
			break
		}
		iov[n].Base = &part[0]
		iov[n].SetLen(len(part))
		room -= len(part)
		n++
	}
	return n
}

// sendMore sends b with MSG_MORE, so that it leaves with what follows.
func (s *rawSock) sendMore(b []byte) error {
	return s.send(func(fd uintptr) (int, bool, error) {
		m, errno := retried(func() (uintptr, uintptr, syscall.Errno) {
			return unix.RawSyscall6(unix.SYS_SENDTO, fd, uintptr(unsafe.Pointer(&b[0])), uintptr(min(len(b), rawChunk)), unix.MSG_MORE, 0, 0)
		})
		b = b[m:]
		return m, len(b) > 0, errnoErr(errno)
	})
}

// sendFile sends the bytes of the file ffd from *off to end, advancing
// *off.
func (s *rawSock) sendFile(ffd uintptr, off *int64, end int64) error {
	return s.send(func(fd uintptr) (int, bool, error) {
		m, errno := retried(func() (uintptr, uintptr, syscall.Errno) {
			return unix.RawSyscall6(unix.SYS_SENDFILE, fd, ffd, uintptr(unsafe.Pointer(off)), uintptr(min(end-*off, rawChunk)), 0, 0)
		})
		if errno == 0 && m == 0 {
			return 0, false, errFileEnded
		}
		return m, *off < end, errnoErr(errno)
	})
}

// send calls call on the socket until it reports nothing more to send or
// an error, waiting for room whenever the socket is full.
func (s *rawSock) send(call func(fd uintptr) (sent int, more bool, err error)) error {
	var err error
	written()
	if werr := s.rc.Write(func(fd uintptr) bool {
		done, progress := true, false
		for more := true; more; {
			var sent int
			sent, more, err = call(fd)
			progress = progress || sent > 0
			if err != nil {
				done = err != unix.EAGAIN
				break
			}
		}
		if progress {
			s.progressed()
		}
		return done
	}); werr != nil {
		return werr
	}
	return err
}

// retried makes a raw system call, again while a signal interrupts it,
// and returns its result or error number. The call's pointer arguments
// are converted in the call itself, which keeps what they point to in
// place until it returns.
func retried(call func() (r1, r2 uintptr, errno syscall.Errno)) (int, syscall.Errno) {
	for {
		r, _, errno := call()
		switch errno {
		case unix.EINTR:
			continue
		case 0:
			return int(r), 0
		}
		return 0, errno
	}
}

// errnoErr returns errno as an error, nil for 0.
func errnoErr(errno syscall.Errno) error {
	if errno == 0 {
		return nil
	}
	return errno
}

// opError wraps err as net.Conn's own errors are: a *net.OpError naming
// the operation and the connection's addresses, whose Timeout tells a
// deadline passed.
func (s *rawSock) opError(op string, err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) {
		err = oe.Err // the raw connection's error names its own operation
	}
	return &net.OpError{Op: op, Net: s.conn.LocalAddr().Network(), Source: s.conn.LocalAddr(), Addr: s.conn.RemoteAddr(), Err: err}
}

//go:build unix

package server

import (
	"errors"
	"net"
	"syscall"
)

// peerClosed reports whether the peer of conn is gone, its connection
// reset, without consuming anything it sent. An end of stream is not: a
// client that closes its sending side once its request is sent (nc -N, a
// proxy in TCP mode passing the FIN on) still reads the answer, and the
// server cannot tell it from one that closed both sides until it writes.
func peerClosed(conn net.Conn) bool {
	raw, ok := rawConnOf(conn)
	if !ok {
		return false
	}
	closed := false
	var b [1]byte
	_ = raw.Read(func(fd uintptr) bool {
		_, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		closed = err != nil && !errors.Is(err, syscall.EAGAIN) && !errors.Is(err, syscall.EINTR)
		return true
	})
	return closed
}

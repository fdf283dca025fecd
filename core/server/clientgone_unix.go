//go:build unix

package server

import (
	"errors"
	"net"
	"syscall"
)

// peerClosed reports whether the peer of conn has closed it, without
// consuming anything it sent.
func peerClosed(conn net.Conn) bool {
	raw, ok := rawConnOf(conn)
	if !ok {
		return false
	}
	closed := false
	var b [1]byte
	_ = raw.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case err == nil:
			closed = n == 0
		case errors.Is(err, syscall.EAGAIN), errors.Is(err, syscall.EINTR):
		default:
			closed = true
		}
		return true
	})
	return closed
}

//go:build unix

package server

import (
	"errors"
	"net"
	"syscall"
)

// peerState reports, without consuming anything the peer of conn sent,
// whether its connection was reset (the peer is gone) and whether it
// reached the end of stream: the peer closed its sending side, which
// both a client gone and one that half-closes once its request is sent
// (nc -N, a proxy in TCP mode passing the FIN on) do; only a write tells
// them apart.
func peerState(conn net.Conn) (reset, eof bool) {
	raw, ok := rawConnOf(conn)
	if !ok {
		return false, false
	}
	var b [1]byte
	_ = raw.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case err == nil:
			eof = n == 0
		case errors.Is(err, syscall.EAGAIN), errors.Is(err, syscall.EINTR):
		default:
			reset = true
		}
		return true
	})
	return reset, eof
}

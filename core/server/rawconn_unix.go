//go:build unix

package server

import (
	"net"
	"syscall"
)

// rawConnOf returns c's descriptor for system calls of its own, when c
// has one.
func rawConnOf(c net.Conn) (syscall.RawConn, bool) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil, false
	}
	rc, err := sc.SyscallConn()
	return rc, err == nil
}

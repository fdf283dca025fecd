//go:build linux && !race

package server

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// readSocket reads into b, not empty, from the socket fd.
func readSocket(fd uintptr, b []byte) (int, syscall.Errno) {
	return retried(func() (uintptr, uintptr, syscall.Errno) {
		return unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	})
}

// written marks what the goroutine did so far as seen by whoever reads
// what it sends next: the race detector's view of a write (rawsock_race.go).
func written() {}

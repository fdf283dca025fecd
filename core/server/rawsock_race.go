//go:build linux && race

package server

import "syscall"

// Under the race detector, data sent through the kernel orders what its
// sender did before the send before what its reader does after the read,
// as the syscall package's own Read and Write declare to the detector.
// Raw system calls declare nothing, so here the reads are the syscall
// package's, and each send is preceded by its Write of nothing.

// readSocket reads into b, not empty, from the socket fd.
func readSocket(fd uintptr, b []byte) (int, syscall.Errno) {
	for {
		n, err := syscall.Read(int(fd), b)
		if err == nil {
			return n, 0
		}
		if errno := err.(syscall.Errno); errno != syscall.EINTR {
			return 0, errno
		}
	}
}

// written marks what the goroutine did so far as seen by whoever reads
// what it sends next.
func written() { _, _ = syscall.Write(-1, nil) }

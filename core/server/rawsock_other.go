//go:build !linux

package server

import "net"

// rawSock is a socket read and written by raw system calls, which only
// Linux builds make (rawsock_linux.go).
type rawSock struct{}

// newRawSock returns nil: connections are read and written as net.Conn.
func newRawSock(net.Conn, func()) *rawSock { return nil }

func (*rawSock) Read([]byte) (int, error)        { return 0, net.ErrClosed }
func (*rawSock) Write([]byte) (int, error)       { return 0, net.ErrClosed }
func (*rawSock) writev(_, _ []byte) (int, error) { return 0, net.ErrClosed }

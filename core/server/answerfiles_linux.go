package server

import (
	"errors"
	"net"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// answerFilesWork reports whether this system has sealed memory files and
// sendfile to sockets.
const answerFilesWork = true

// sealedFile returns a memory file holding b that nothing can change,
// shorten or grow (memfd_create with write, shrink and grow seals).
func sealedFile(b []byte) (*os.File, error) {
	fd, err := unix.MemfdCreate("cratos-answer", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "cratos-answer")
	if _, err := f.Write(b); err != nil {
		_ = f.Close()
		return nil, err
	}
	const seals = unix.F_SEAL_WRITE | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_SEAL
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, seals); err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

// errFileEnded is a file shorter than the part of it to be sent, which a
// sealed file never is.
var errFileEnded = errors.New("server: answer file shorter than its body")

// sendFromFile sends head, then n bytes of f from off, on conn: head with
// MSG_MORE, so that it leaves in the same segments as the file's first
// bytes, and the file by sendfile. It returns how many of the file's
// bytes were sent; ok is false, and nothing is sent, when conn is not a
// socket that can do this or f is closed (dropped since the answer was
// announced). The write deadline of conn applies.
func sendFromFile(conn net.Conn, head []byte, f *os.File, off int64, n int) (sent int, ok bool, err error) {
	sc, isSocket := conn.(syscall.Conn)
	if !isSocket {
		return 0, false, nil
	}
	sock, err := sc.SyscallConn()
	if err != nil {
		return 0, false, nil
	}
	file, err := f.SyscallConn()
	if err != nil {
		return 0, false, nil
	}
	start, end := off, off+int64(n)
	// Control keeps f's descriptor open until the last byte is sent, even
	// when the file is dropped meanwhile.
	if file.Control(func(ffd uintptr) {
		ok = true
		if err = sendMore(sock, head); err != nil || off >= end {
			return
		}
		err = sendAll(sock, func(fd int) (bool, error) {
			m, err := unix.Sendfile(fd, int(ffd), &off, int(end-off))
			if err == nil && m == 0 {
				return false, errFileEnded
			}
			return off < end, err
		})
	}) != nil {
		return 0, false, nil
	}
	return int(off - start), ok, err
}

// sendMore sends b with MSG_MORE.
func sendMore(sock syscall.RawConn, b []byte) error {
	if len(b) == 0 {
		return nil
	}
	return sendAll(sock, func(fd int) (bool, error) {
		m, err := unix.SendmsgN(fd, b, nil, nil, unix.MSG_MORE)
		if err == nil {
			b = b[m:]
		}
		return len(b) > 0, err
	})
}

// sendAll calls send on the socket until it reports nothing left, waiting
// for room when the socket is full and calling again when interrupted.
func sendAll(sock syscall.RawConn, send func(fd int) (more bool, err error)) error {
	var sendErr error
	for more := true; more && sendErr == nil; {
		if err := sock.Write(func(fd uintptr) bool {
			m, err := send(int(fd))
			switch {
			case err == unix.EAGAIN:
				return false
			case err == unix.EINTR:
			case err != nil:
				sendErr = err
			default:
				more = m
			}
			return true
		}); err != nil {
			return err
		}
	}
	return sendErr
}

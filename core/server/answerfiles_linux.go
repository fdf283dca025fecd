package server

import (
	"errors"
	"os"

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

// sendFromFile sends head, then n bytes of f from off, on sock: head with
// MSG_MORE, so that it leaves in the same segments as the file's first
// bytes, and the file by sendfile. It returns how many of the file's
// bytes were sent; ok is false, and nothing is sent, when there is no
// socket (sock is nil) or f is closed (dropped since the answer was
// announced). The write deadline of the connection applies.
func sendFromFile(sock *rawSock, head []byte, f *os.File, off int64, n int) (sent int, ok bool, err error) {
	if sock == nil {
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
		if len(head) > 0 {
			if err = sock.sendMore(head); err != nil {
				return
			}
		}
		if off < end {
			err = sock.sendFile(ffd, &off, end)
		}
	}) != nil {
		return 0, false, nil
	}
	return int(off - start), ok, err
}

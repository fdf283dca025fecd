package plugins

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// verifiedCopy reads the binary at path once, checks that its SHA-256 is
// want, and writes exactly those bytes to a private file (mode 0500 in a
// 0700 directory) that the caller executes: a binary swapped after the
// check is never run. remove deletes the copy; a running process keeps
// it open.
func verifiedCopy(path, want string) (private string, remove func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil, fmt.Errorf("plugins: checksum: %w", err)
	}
	// The binary, tens of megabytes, is read into a buffer of its size:
	// grown from nothing it was copied a dozen times, which under the race
	// detector took seconds.
	size := 0
	if info, err := f.Stat(); err == nil && info.Size() < 1<<31 {
		size = int(info.Size())
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
	_, err = buf.ReadFrom(f)
	f.Close()
	if err != nil {
		return "", nil, fmt.Errorf("plugins: checksum %s: %w", path, err)
	}
	sum := sha256.Sum256(buf.Bytes())
	if got := hex.EncodeToString(sum[:]); got != want {
		return "", nil, fmt.Errorf("%w: %s has sha256 %s, the configuration says %s", ErrChecksum, path, got, want)
	}
	dir, err := os.MkdirTemp("", "cratos-plugin-")
	if err != nil {
		return "", nil, fmt.Errorf("plugins: private copy of %s: %w", path, err)
	}
	remove = func() { _ = os.RemoveAll(dir) }
	private = filepath.Join(dir, filepath.Base(path))
	// No fork may inherit the file open for writing, or executing it
	// would fail with "text file busy".
	syscall.ForkLock.Lock()
	err = writePrivate(private, buf.Bytes())
	syscall.ForkLock.Unlock()
	if err != nil {
		remove()
		return "", nil, fmt.Errorf("plugins: private copy of %s: %w", path, err)
	}
	return private, remove, nil
}

func writePrivate(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o500)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

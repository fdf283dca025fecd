package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// ErrInUse is Open's error for a directory another process has open: two
// processes writing one state directory overwrite each other's files.
var ErrInUse = errors.New("state: the directory is in use by another process (give each process its own state_dir)")

// locked holds the directories this process has locked, by absolute path,
// open for the life of the process: the lock goes with it.
var locked = struct {
	sync.Mutex
	dirs map[string]*os.File
}{dirs: map[string]*os.File{}}

// lockDir takes path for this process, which may open it again; a path
// another process holds is ErrInUse. Where locks are not supported (a
// network file system without them) the directory is used unlocked.
func lockDir(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	locked.Lock()
	defer locked.Unlock()
	if _, ok := locked.dirs[abs]; ok {
		return nil
	}
	f, err := os.Open(abs)
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	switch err := tryLock(f); {
	case errors.Is(err, errLocked):
		_ = f.Close()
		return fmt.Errorf("%w: %s", ErrInUse, abs)
	case err != nil:
		_ = f.Close()
		return nil
	}
	locked.dirs[abs] = f
	return nil
}

// errLocked is tryLock's error for a lock another process holds.
var errLocked = errors.New("locked")

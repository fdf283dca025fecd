package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Writable reports whether files can be written in the directory path,
// or, when it does not exist yet, in the nearest directory above it that
// does (where Open would create it): a temporary file is created there
// and removed. It neither creates path nor locks it, so it may be asked
// of a directory another process holds.
func Writable(path string) error {
	dir := path
	for {
		st, err := os.Stat(dir)
		if err == nil && !st.IsDir() {
			return fmt.Errorf("state: %s is not a directory", dir)
		}
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) || filepath.Dir(dir) == dir {
			return fmt.Errorf("state: %w", err)
		}
		dir = filepath.Dir(dir)
	}
	f, err := os.CreateTemp(dir, ".writable.tmp-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("state: %s is not writable: %w", path, err)
	}
	_ = f.Close()
	_ = os.Remove(f.Name())
	return nil
}

//go:build !unix

package state

import (
	"errors"
	"os"
)

// tryLock is not supported here: the directory is used unlocked.
func tryLock(*os.File) error { return errors.ErrUnsupported }

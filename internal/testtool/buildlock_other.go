//go:build !unix

package testtool

// lockFile does nothing where flock(2) does not exist.
func lockFile(string) (release func()) { return func() {} }

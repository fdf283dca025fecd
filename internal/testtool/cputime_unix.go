//go:build unix

package testtool

import (
	"syscall"
	"time"
)

// CPUTime is the user and system CPU time the process used so far, or 0
// when it cannot be read. Benchmarks divide work by it to report a rate
// that a machine busy with other work inflates less than wall-clock time.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

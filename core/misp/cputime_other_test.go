//go:build !unix

package misp

import "time"

// cpuTime is unknown here.
func cpuTime() time.Duration { return 0 }

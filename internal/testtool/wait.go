package testtool

import (
	"strings"
	"testing"
	"time"
)

// WaitFor polls cond every 50 ms until it holds. Once bound has passed
// without it, it fails the test with what it waited for, followed by the
// text of each of notes (a program's log, a process's output).
func WaitFor(t testing.TB, what string, bound time.Duration, cond func() bool, notes ...func() string) {
	t.Helper()
	for deadline := time.Now().Add(bound); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			msg := []string{"timed out after " + bound.String() + " waiting for " + what}
			for _, note := range notes {
				msg = append(msg, note())
			}
			t.Fatal(strings.Join(msg, "\n"))
		}
	}
}

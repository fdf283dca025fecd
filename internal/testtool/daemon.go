package testtool

import (
	"fmt"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// Daemon is a program started to serve for the length of a test.
type Daemon struct {
	Cmd    *exec.Cmd
	Log    *LogBuffer    // its standard output and error
	Exited chan struct{} // closed once the process has exited
	Err    error         // Wait's error, set before Exited is closed
}

// StartDaemon starts cmd with its output in Log and stops it when the
// test ends (Terminate), quoting the log when the test failed; what names
// the program.
func StartDaemon(t testing.TB, what string, cmd *exec.Cmd) *Daemon {
	t.Helper()
	d := &Daemon{Cmd: cmd, Log: &LogBuffer{}, Exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = d.Log, d.Log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", what, err)
	}
	go func() { d.Err = cmd.Wait(); close(d.Exited) }()
	t.Cleanup(func() {
		Terminate(cmd, d.Exited)
		if t.Failed() {
			t.Logf("%s log:\n%s", what, Clip(d.Log.String()))
		}
	})
	return d
}

// Terminate asks the process of cmd to end, kills it after 10 seconds,
// and returns once it has exited (exited closed).
func Terminate(cmd *exec.Cmd, exited <-chan struct{}) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}

// Clip shortens a program's output to its first 4,000 bytes for an error
// message, saying how much was left out.
func Clip(s string) string {
	const max = 4000
	if len(s) > max {
		return s[:max] + fmt.Sprintf("\n... (%d more bytes)", len(s)-max)
	}
	return s
}

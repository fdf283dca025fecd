package testtool

import (
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/childproc"
)

// Daemon is a program started to serve for the length of a test: its
// exit (Done, Err) and its stop come with the child process.
type Daemon struct {
	*childproc.Process
	Log *LogBuffer // its standard output and error
}

// StartDaemon starts cmd with its output in Log and stops it when the
// test ends (SIGTERM, then SIGKILL after 10 seconds), quoting the log
// when the test failed; what names the program.
func StartDaemon(t testing.TB, what string, cmd *exec.Cmd) *Daemon {
	t.Helper()
	log := &LogBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	p, err := childproc.Start(cmd)
	if err != nil {
		t.Fatalf("start %s: %v", what, err)
	}
	d := &Daemon{Process: p, Log: log}
	t.Cleanup(func() {
		d.Stop(10 * time.Second)
		if t.Failed() {
			t.Logf("%s log:\n%s", what, Clip(d.Log.String()))
		}
	})
	return d
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

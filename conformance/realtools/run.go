package realtools

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// toolTimeout bounds one run of a tool; loading a large list can take a
// while on a shared machine (suricata -T over the full real data takes
// minutes when the cores are busy).
const toolTimeout = 12 * time.Minute

// run runs prog with args and returns its combined output and exit error.
func run(t testing.TB, prog string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s: timed out after %v", prog, toolTimeout)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("run %s: %v", prog, err)
	}
	return out.String(), err
}

// writeFile writes data to dir/name and returns the path.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatalf("write %s: %v", p, err)
	}
	return p
}

// problems collects lines of a tool's output that report a problem.
type problems struct {
	tool  string
	lines []string
}

func (p *problems) add(line string) { p.lines = append(p.lines, line) }

// maxQuoted caps the lines quoted in an error.
const maxQuoted = 20

func (p *problems) err() error {
	if len(p.lines) == 0 {
		return nil
	}
	quoted := p.lines
	more := ""
	if len(quoted) > maxQuoted {
		more = fmt.Sprintf("\n... and %d more", len(quoted)-maxQuoted)
		quoted = quoted[:maxQuoted]
	}
	return fmt.Errorf("%s: %d problem(s):\n%s%s", p.tool, len(p.lines), strings.Join(quoted, "\n"), more)
}

// daemon is a tool started to serve for the length of a test.
type daemon struct {
	cmd    *exec.Cmd
	log    *testtool.LogBuffer
	exited chan struct{} // closed once the process has exited
	err    error         // Wait's error, set before exited is closed
}

// startDaemon starts cmd with its output in a log and stops it when the
// test ends, quoting the log when the test failed; what names the tool.
func startDaemon(t testing.TB, what string, cmd *exec.Cmd) *daemon {
	t.Helper()
	d := &daemon{cmd: cmd, log: &testtool.LogBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = d.log, d.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", what, err)
	}
	go func() { d.err = cmd.Wait(); close(d.exited) }()
	t.Cleanup(func() {
		stop(cmd, d.exited)
		if t.Failed() {
			t.Logf("%s log:\n%s", what, clip(d.log.String()))
		}
	})
	return d
}

// stop asks the process of cmd to end, kills it after 10 seconds, and
// returns once it has exited (exited closed).
func stop(cmd *exec.Cmd, exited <-chan struct{}) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}

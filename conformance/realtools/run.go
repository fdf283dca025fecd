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
	"testing"
	"time"
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

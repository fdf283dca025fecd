package realtools

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// LoopbackRootHint is a root hint file pointing at 127.0.0.1, so that a
// named with recursion on never reaches the network.
const LoopbackRootHint = `.               3600000 NS a.root.invalid.
a.root.invalid. 3600000 A  127.0.0.1
`

// StartNamed runs named in the foreground (IPv4 only, one worker) with the
// configuration dir/named.conf, and returns once named logs that it is
// running; it fails t if named exits first or a minute passes. When the
// test ends named gets SIGTERM (and is killed 10 seconds later if still
// there), and its log is printed if the test failed.
func StartNamed(t testing.TB, named, dir string) *testtool.LogBuffer {
	t.Helper()
	d := testtool.StartDaemon(t, "named", exec.Command(named, "-g", "-4", "-n", "1", "-c", filepath.Join(dir, "named.conf")))
	testtool.WaitFor(t, "named to start", time.Minute, func() bool {
		if strings.Contains(d.Log.String(), "running") {
			return true
		}
		select {
		case <-d.Done():
			t.Fatalf("named exited: %v\n%s", d.Err(), d.Log.String())
		default:
		}
		return false
	}, d.Log.String)
	return d.Log
}

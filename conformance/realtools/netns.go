package realtools

import (
	"os"
	"os/exec"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// inNetns runs the shell script in dir in a new network namespace
// (unshare -n; as a non-root user also a user namespace mapping it to
// root), so that nft and ipset change only a ruleset the test made and
// that disappears with the script. It returns the script's combined
// output and exit error. When namespaces cannot be made here (no
// privilege, user namespaces disabled), the test is skipped, and fails
// under CI.
func inNetns(t testing.TB, dir, script string) (string, error) {
	t.Helper()
	unshare := testtool.Require(t, "unshare", "util-linux")
	args := []string{"--net"}
	if os.Geteuid() != 0 {
		args = append(args, "--user", "--map-root-user")
	}
	if out, err := exec.Command(unshare, append(args, "true")...).CombinedOutput(); err != nil {
		msg := "cannot make a network namespace (unshare " + args[0] + "): " + string(out)
		if testtool.InCI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	args = append(args, "sh", "-ec", "cd \"$0\"\n"+script, dir)
	return run(t, unshare, args...)
}

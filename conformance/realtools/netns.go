package realtools

import (
	"os"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// inNetns runs the shell script in a new network namespace (unshare -n;
// as a non-root user also a user namespace mapping it to root), so that
// nft and ipset change only a ruleset the test made and that disappears
// with the script. It returns the script's combined output and exit error.
func inNetns(t testing.TB, dir, script string) (string, error) {
	t.Helper()
	unshare := testtool.Require(t, "unshare", "util-linux")
	args := []string{"--net"}
	if os.Geteuid() != 0 {
		args = append(args, "--user", "--map-root-user")
	}
	args = append(args, "sh", "-ec", "cd \"$0\"\n"+script, dir)
	return run(t, unshare, args...)
}

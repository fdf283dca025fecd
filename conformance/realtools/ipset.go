package realtools

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// IpsetRestore feeds text to ipset restore twice (a first load and a
// reload over full sets) in a network namespace of its own, then returns
// the number of entries of every set that exists afterwards, by name, as
// ipset list -t reports it. A failed restore or any output of it is an
// error.
func IpsetRestore(t testing.TB, text string) (map[string]int, error) {
	t.Helper()
	ipset := testtool.Require(t, "ipset", "ipset")
	dir := t.TempDir()
	writeFile(t, dir, "list.ipset", []byte(text))
	script := fmt.Sprintf("%[1]s restore < list.ipset\n%[1]s restore < list.ipset\necho '--- list'\n%[1]s list -t\n", ipset)
	out, err := inNetns(t, dir, script)
	if err != nil {
		return nil, fmt.Errorf("ipset restore: %v:\n%s", err, testtool.Clip(out))
	}
	before, list, _ := strings.Cut(out, "--- list\n")
	if strings.TrimSpace(before) != "" {
		return nil, fmt.Errorf("ipset restore printed:\n%s", testtool.Clip(before))
	}
	counts := map[string]int{}
	name := ""
	for line := range strings.Lines(list) {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "Name: "); ok {
			name = v
		}
		if v, ok := strings.CutPrefix(line, "Number of entries: "); ok {
			n, err := strconv.Atoi(v)
			if err != nil || name == "" {
				return nil, fmt.Errorf("ipset list -t: cannot read %q", line)
			}
			counts[name] = n
		}
	}
	return counts, nil
}

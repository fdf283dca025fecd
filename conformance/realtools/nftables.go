package realtools

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// NftLoad loads script with nft -f twice (a first load and a reload) in a
// network namespace of its own, then lists each named set of the inet
// table with nft -j and returns its element count by set name. Any
// output of nft -f (it prints nothing on success), a failed load or a
// set that cannot be listed is an error.
func NftLoad(t testing.TB, script, table string, sets ...string) (map[string]int, error) {
	t.Helper()
	nft := testtool.Require(t, "nft", "nftables")
	dir := t.TempDir()
	writeFile(t, dir, "list.nft", []byte(script))
	var sh strings.Builder
	fmt.Fprintf(&sh, "%s -f list.nft\n%s -f list.nft\n", nft, nft)
	for _, s := range sets {
		fmt.Fprintf(&sh, "echo '--- %s'\n%s -j list set inet %s %s\n", s, nft, table, s)
	}
	out, err := inNetns(t, dir, sh.String())
	if err != nil {
		return nil, fmt.Errorf("nft: %v:\n%s", err, testtool.Clip(out))
	}
	counts := map[string]int{}
	parts := strings.Split(out, "--- ")
	if strings.TrimSpace(parts[0]) != "" {
		return nil, fmt.Errorf("nft -f printed:\n%s", testtool.Clip(parts[0]))
	}
	for _, part := range parts[1:] {
		name, body, _ := strings.Cut(part, "\n")
		var doc struct {
			Nftables []struct {
				Set *struct {
					Elem []json.RawMessage `json:"elem"`
				} `json:"set"`
			} `json:"nftables"`
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			return nil, fmt.Errorf("nft -j list set %s: %v", name, err)
		}
		found := false
		for _, x := range doc.Nftables {
			if x.Set != nil {
				counts[name] = len(x.Set.Elem)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("nft -j list set %s: no set in the answer", name)
		}
	}
	return counts, nil
}

// NftKeywordNames returns those of names that nft refuses as a table's
// name, reading them as keywords. Each is checked on a line of its own in
// nft's interactive mode, which reads every line afresh, and with -c, so
// that nothing is added. An error other than a syntax error fails t.
func NftKeywordNames(t testing.TB, names []string) []string {
	t.Helper()
	nft := testtool.Require(t, "nft", "nftables")
	dir := t.TempDir()
	const stmt = "add table inet "
	var in strings.Builder
	for _, n := range names {
		in.WriteString(stmt + n + "\n")
	}
	writeFile(t, dir, "names.nft", []byte(in.String()))
	out, _ := inNetns(t, dir, nft+" -c -i < names.nft")
	var refused []string
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, stmt):
			refused = append(refused, strings.TrimPrefix(l, stmt))
		case l == "" || strings.HasPrefix(l, "Error: syntax error, unexpected ") || strings.Trim(l, " ^") == "":
		default:
			t.Fatalf("nft -c -i printed %q", l)
		}
	}
	return refused
}

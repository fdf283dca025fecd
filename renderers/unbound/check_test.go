package unbound

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/cratos-project/cratos/renderers/internal/nameset"
)

// zone is one local-zone checkConf read, with its local-data records.
type zone struct {
	name, policy string
	data         []string // "A 0.0.0.0", "AAAA ::"
}

// checkConf reads an include file the way this renderer writes it and
// Unbound reads it: comment lines, "server:", then local-zone lines of a
// quoted plain DNS name (nameset.Check) with a final dot and one of the
// three policies, each redirect zone followed by local-data lines of
// that name with an A or AAAA record of a valid address. No name is
// listed twice or under another listed name. Any other line is an error,
// so no value can have added a directive.
func checkConf(text string) ([]zone, error) {
	if !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("no final newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	i := 0
	for i < len(lines) && strings.HasPrefix(lines[i], "#") {
		i++
	}
	if i >= len(lines) || lines[i] != "server:" {
		return nil, fmt.Errorf("no server: clause")
	}
	var zones []zone
	seen := map[string]bool{}
	for i++; i < len(lines); i++ {
		l := lines[i]
		if rest, ok := strings.CutPrefix(l, "local-data: \""); ok {
			if len(zones) == 0 || zones[len(zones)-1].policy != Redirect {
				return nil, fmt.Errorf("line %d: local-data outside a redirect zone", i+1)
			}
			z := &zones[len(zones)-1]
			rr, ok := strings.CutSuffix(strings.TrimPrefix(rest, z.name+". "), "\"")
			typ, addr, _ := strings.Cut(rr, " ")
			a, err := netip.ParseAddr(addr)
			if !ok || !strings.HasPrefix(rest, z.name+". ") || err != nil || a.String() != addr ||
				!(typ == "A" && a.Is4() || typ == "AAAA" && a.Is6()) {
				return nil, fmt.Errorf("line %d: %q", i+1, l)
			}
			z.data = append(z.data, rr)
			continue
		}
		rest, ok := strings.CutPrefix(l, "local-zone: \"")
		name, policy, ok2 := strings.Cut(rest, ".\" ")
		if !ok || !ok2 || nameset.Check(name) != "" || (policy != NXDomain && policy != Refuse && policy != Redirect) {
			return nil, fmt.Errorf("line %d: %q is not a local-zone this renderer writes", i+1, l)
		}
		if seen[name] {
			return nil, fmt.Errorf("line %d: %s listed twice", i+1, name)
		}
		seen[name] = true
		zones = append(zones, zone{name: name, policy: policy})
	}
	for _, z := range zones {
		if z.policy == Redirect && len(z.data) == 0 {
			return nil, fmt.Errorf("redirect zone %s without local-data", z.name)
		}
		for j := 0; j < len(z.name); j++ {
			if z.name[j] == '.' && seen[z.name[j+1:]] {
				return nil, fmt.Errorf("%s is under the listed %s", z.name, z.name[j+1:])
			}
		}
	}
	return zones, nil
}

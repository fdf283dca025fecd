package dnsmasq

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/cratos-project/cratos/renderers/internal/nameset"
)

// entry is one name checkConf read, with its sinkhole addresses.
type entry struct {
	name, key string // key: "address" or "local"
	addrs     []string
}

// checkConf reads a file the way this renderer writes it and dnsmasq
// reads it: comment lines, then lines "address=/NAME/", "local=/NAME/" or
// "address=/NAME/ADDR" of one plain DNS name (nameset.Check) between the
// slashes and, for a sinkhole, one IPv4 then at most one IPv6 address,
// the lines of one name next to each other. No name is listed twice or
// under another listed name. Any other line is an error, so no value can
// have added a directive, a second domain or a "#" (every domain).
func checkConf(text string) ([]entry, error) {
	if text == "" || !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("empty or no final newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	i := 0
	for i < len(lines) && strings.HasPrefix(lines[i], "#") {
		i++
	}
	var out []entry
	seen := map[string]bool{}
	for ; i < len(lines); i++ {
		l := lines[i]
		key, rest, ok := strings.Cut(l, "=/")
		name, addr, ok2 := strings.Cut(rest, "/")
		if !ok || !ok2 || (key != "address" && key != "local") || nameset.Check(name) != "" || (key == "local" && addr != "") {
			return nil, fmt.Errorf("line %d: %q is not a line this renderer writes", i+1, l)
		}
		if addr != "" {
			a, err := netip.ParseAddr(addr)
			if err != nil || a.String() != addr || a.Zone() != "" {
				return nil, fmt.Errorf("line %d: %q: bad address", i+1, l)
			}
			if n := len(out); n > 0 && out[n-1].name == name && out[n-1].key == key && len(out[n-1].addrs) == 1 &&
				out[n-1].addrs[0] != "" && strings.Contains(out[n-1].addrs[0], ".") && a.Is6() {
				out[n-1].addrs = append(out[n-1].addrs, addr)
				continue
			}
		}
		if seen[name] {
			return nil, fmt.Errorf("line %d: %s listed twice", i+1, name)
		}
		seen[name] = true
		e := entry{name: name, key: key}
		if addr != "" {
			e.addrs = []string{addr}
		}
		out = append(out, e)
	}
	for _, e := range out {
		for j := 0; j < len(e.name); j++ {
			if e.name[j] == '.' && seen[e.name[j+1:]] {
				return nil, fmt.Errorf("%s is under the listed %s", e.name, e.name[j+1:])
			}
		}
	}
	return out, nil
}

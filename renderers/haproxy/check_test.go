package haproxy

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/cratos-project/cratos/renderers/internal/nameset"
)

// checkPatterns reads a pattern file the way this renderer writes it and
// HAProxy reads it (one pattern a line; blank lines and lines starting
// with '#' are skipped, surrounding blanks trimmed): for ip, addresses or
// masked prefixes in increasing order, none twice; for dom, plain DNS
// names (nameset.Check); for end, the same with a '.' in front; no name
// twice or under another listed name. A line HAProxy would skip or trim
// is an error, so every line is exactly one pattern. It returns the
// patterns.
func checkPatterns(kind, text string) ([]string, error) {
	if text == "" {
		return nil, nil
	}
	if !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("no final newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	seen := map[string]bool{}
	var last netip.Prefix
	for i, l := range lines {
		if l == "" || l[0] == '#' || strings.TrimSpace(l) != l {
			return nil, fmt.Errorf("line %d: %q would be skipped or trimmed", i+1, l)
		}
		switch kind {
		case ListIP:
			p, err := netip.ParsePrefix(l)
			if err != nil {
				a, aerr := netip.ParseAddr(l)
				if aerr != nil || a.Zone() != "" {
					return nil, fmt.Errorf("line %d: %q is not an address or net", i+1, l)
				}
				p = netip.PrefixFrom(a, a.BitLen())
			} else if p.Masked() != p || p.IsSingleIP() {
				return nil, fmt.Errorf("line %d: %q is not masked or is a single address", i+1, l)
			}
			if last.IsValid() && (last.Addr().Compare(p.Addr()) > 0 || last.Addr() == p.Addr() && last.Bits() >= p.Bits()) {
				return nil, fmt.Errorf("line %d: %s not after %s", i+1, p, last)
			}
			last = p
		case ListDom, ListEnd:
			name := l
			if kind == ListEnd {
				var ok bool
				if name, ok = strings.CutPrefix(l, "."); !ok {
					return nil, fmt.Errorf("line %d: %q does not start with '.'", i+1, l)
				}
			}
			if r := nameset.Check(name); r != "" {
				return nil, fmt.Errorf("line %d: %q: %s", i+1, l, r)
			}
			if seen[name] {
				return nil, fmt.Errorf("line %d: %s listed twice", i+1, name)
			}
			seen[name] = true
		default:
			return nil, fmt.Errorf("unknown kind %q", kind)
		}
	}
	for n := range seen {
		for j := 0; j < len(n); j++ {
			if n[j] == '.' && seen[n[j+1:]] {
				return nil, fmt.Errorf("%s is under the listed %s", n, n[j+1:])
			}
		}
	}
	return lines, nil
}

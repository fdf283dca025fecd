package ipset

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

var (
	createRE = regexp.MustCompile(`^create ([a-z][a-z0-9_-]{0,30}) hash:net family (inet6?) hashsize ([0-9]+) maxelem ([0-9]+) -exist$`)
	setName  = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,30}$`)
)

// checkRestore reads restore input the way this renderer writes it and
// ipset restore reads it: comment lines, then per set "create NAME-new …
// -exist", "flush NAME-new", one "add NAME-new ENTRY" per entry (an
// address or masked prefix of the set's family, length > 0, listed once,
// no more than maxelem), "create NAME …" with the same parameters,
// "swap NAME-new NAME" and "destroy NAME-new". Any other line is an
// error, so no value can have added a command. It returns the entries
// per live set name.
func checkRestore(text string) (map[string][]netip.Prefix, error) {
	out := map[string][]netip.Prefix{}
	if !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("no final newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	i := 0
	for i < len(lines) && strings.HasPrefix(lines[i], "#") {
		i++
	}
	for i < len(lines) {
		m := createRE.FindStringSubmatch(lines[i])
		if m == nil || !strings.HasSuffix(m[1], "-new") {
			return nil, fmt.Errorf("line %d: %q, want the create of a -new set", i+1, lines[i])
		}
		tmp, family := m[1], m[2]
		name := strings.TrimSuffix(tmp, "-new")
		hs, _ := strconv.Atoi(m[3])
		maxElem, _ := strconv.Atoi(m[4])
		if hs < 1024 || hs&(hs-1) != 0 || maxElem < 1 || !setName.MatchString(name) {
			return nil, fmt.Errorf("line %d: %q: bad hashsize, maxelem or name", i+1, lines[i])
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("line %d: set %s filled twice", i+1, name)
		}
		i++
		if i >= len(lines) || lines[i] != "flush "+tmp {
			return nil, fmt.Errorf("line %d: want flush %s", i+1, tmp)
		}
		i++
		seen := map[netip.Prefix]bool{}
		var es []netip.Prefix
		for ; i < len(lines) && strings.HasPrefix(lines[i], "add "); i++ {
			v, ok := strings.CutPrefix(lines[i], "add "+tmp+" ")
			if !ok {
				return nil, fmt.Errorf("line %d: %q adds to another set", i+1, lines[i])
			}
			p, err := parseEntry(v)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", i+1, err)
			}
			if p.Addr().Is4() != (family == "inet") || seen[p] {
				return nil, fmt.Errorf("line %d: %s of the wrong family or listed twice", i+1, v)
			}
			seen[p] = true
			es = append(es, p)
		}
		if len(es) > maxElem {
			return nil, fmt.Errorf("set %s: %d entries, maxelem %d", name, len(es), maxElem)
		}
		want := []string{
			strings.Replace(lines[i-len(es)-2], tmp, name, 1),
			"swap " + tmp + " " + name,
			"destroy " + tmp,
		}
		for _, w := range want {
			if i >= len(lines) || lines[i] != w {
				return nil, fmt.Errorf("line %d: want %q", i+1, w)
			}
			i++
		}
		out[name] = es
	}
	return out, nil
}

// parseEntry reads an address or a masked prefix of length > 0.
func parseEntry(v string) (netip.Prefix, error) {
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		if err != nil || p.Masked() != p || p.IsSingleIP() || p.Bits() == 0 {
			return p, fmt.Errorf("entry %q is not a masked prefix of length 1 or more", v)
		}
		return p, nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" || a.Is4In6() {
		return netip.Prefix{}, fmt.Errorf("entry %q is not an address", v)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func total(sets map[string][]netip.Prefix) int {
	n := 0
	for _, es := range sets {
		n += len(es)
	}
	return n
}

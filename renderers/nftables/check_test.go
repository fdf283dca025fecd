package nftables

import (
	"fmt"
	"net/netip"
	"strings"
)

// parsed is what checkScript read from a script.
type parsed struct {
	sets  map[string]string         // set name -> type
	elems map[string][]netip.Prefix // set name -> elements in file order
}

// checkScript reads a script the way this renderer writes it and nft
// reads it: comment lines, one "table inet T { set … }" block declaring
// interval sets, a flush of one or more of them, then add element blocks
// for flushed sets only, of one address
// or masked prefix per line, of the set's family, in increasing order
// and none overlapping another. Any other line is an error, so no value
// can have added a statement.
func checkScript(text, table string) (parsed, error) {
	p := parsed{sets: map[string]string{}, elems: map[string][]netip.Prefix{}}
	if !strings.HasSuffix(text, "\n") {
		return p, fmt.Errorf("no final newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	i := 0
	for i < len(lines) && strings.HasPrefix(lines[i], "#") {
		i++
	}
	next := func() (string, bool) {
		if i >= len(lines) {
			return "", false
		}
		i++
		return lines[i-1], true
	}
	if l, _ := next(); l != "table inet "+table+" {" {
		return p, fmt.Errorf("line %d: %q, want the table", i, l)
	}
	var order []string
	for {
		l, ok := next()
		if !ok {
			return p, fmt.Errorf("table not closed")
		}
		if l == "}" {
			break
		}
		name, found := strings.CutPrefix(l, "\tset ")
		name, found2 := strings.CutSuffix(name, " {")
		if !found || !found2 || !Ident(name) {
			return p, fmt.Errorf("line %d: %q, want a set", i, l)
		}
		typ, _ := next()
		flags, _ := next()
		if typ != "\t\ttype ipv4_addr" && typ != "\t\ttype ipv6_addr" || flags != "\t\tflags interval" {
			return p, fmt.Errorf("set %s: %q %q", name, typ, flags)
		}
		l, _ = next()
		if strings.HasPrefix(l, "\t\tsize ") {
			l, _ = next()
		}
		if l != "\t}" {
			return p, fmt.Errorf("set %s not closed: %q", name, l)
		}
		p.sets[name] = strings.TrimPrefix(typ, "\t\ttype ")
		order = append(order, name)
	}
	flushed := map[string]bool{}
	for i < len(lines) && strings.HasPrefix(lines[i], "flush ") {
		l, _ := next()
		name, ok := strings.CutPrefix(l, "flush set inet "+table+" ")
		if !ok || p.sets[name] == "" || flushed[name] {
			return p, fmt.Errorf("line %d: %q, want the flush of a declared set", i, l)
		}
		flushed[name] = true
	}
	if len(flushed) == 0 {
		return p, fmt.Errorf("no set flushed")
	}
	_ = order
	for i < len(lines) {
		l, _ := next()
		rest, ok := strings.CutPrefix(l, "add element inet "+table+" ")
		name, ok2 := strings.CutSuffix(rest, " {")
		typ := p.sets[name]
		if !ok || !ok2 || !flushed[name] {
			return p, fmt.Errorf("line %d: %q, want add element", i, l)
		}
		n := 0
		for {
			l, ok := next()
			if !ok {
				return p, fmt.Errorf("add element block not closed")
			}
			if l == "}" {
				break
			}
			v, ok := strings.CutPrefix(l, "\t")
			v, ok2 := strings.CutSuffix(v, ",")
			if !ok || !ok2 {
				return p, fmt.Errorf("line %d: %q, want an element", i, l)
			}
			pr, err := parseElem(v)
			if err != nil {
				return p, fmt.Errorf("line %d: %v", i, err)
			}
			if pr.Addr().Is4() != (typ == "ipv4_addr") {
				return p, fmt.Errorf("line %d: %s in a set of %s", i, v, typ)
			}
			es := p.elems[name]
			if k := len(es); k > 0 && (es[k-1].Overlaps(pr) || es[k-1].Addr().Compare(pr.Addr()) >= 0) {
				return p, fmt.Errorf("line %d: %s overlaps or is not after %s", i, pr, es[k-1])
			}
			p.elems[name] = append(es, pr)
			n++
		}
		if n == 0 {
			return p, fmt.Errorf("line %d: empty add element block", i)
		}
	}
	return p, nil
}

// parseElem reads an address or a masked prefix written as nft lists it.
func parseElem(v string) (netip.Prefix, error) {
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		if err != nil || p.Masked() != p || p.IsSingleIP() {
			return p, fmt.Errorf("element %q is not a masked prefix", v)
		}
		return p, nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" || a.Is4In6() {
		return netip.Prefix{}, fmt.Errorf("element %q is not an address", v)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// count is the number of elements of every set.
func (p parsed) count() int {
	n := 0
	for _, es := range p.elems {
		n += len(es)
	}
	return n
}

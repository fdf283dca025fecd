package guard

import (
	"net/netip"
	"strings"
)

// checkRuleHeader refuses a rule line whose header (action, protocol,
// source, source port, direction, destination, destination port) names,
// as a source or destination, an address or net that overlaps a
// never-block network or the MISP host: a drop rule on it cuts the
// operator's own service off. Negated entries ("!a", "![a,b]") name
// what the rule leaves out, and pass; a header without addresses (Snort
// 3's "alert http (...)") names none.
func (p *Policy) checkRuleHeader(line string) (Verdict, bool) {
	open := strings.IndexByte(line, '(')
	if open < 0 {
		return Verdict{}, false
	}
	head := strings.Fields(line[:open])
	if len(head) < 3 {
		return Verdict{}, false
	}
	// Fields after the protocol, joined so that a list written with
	// spaces ("[a, b]") stays one; ports and "->" read as no address.
	for pr := range ruleAddresses(strings.Join(head[2:], ",")) {
		for _, nets := range [][]namedPrefix{p.nets, p.urlNets} {
			for _, n := range nets {
				if n.p.Overlaps(pr) {
					return Verdict{n.rule, n.detail + " (in the rule's header)"}, true
				}
			}
		}
	}
	return Verdict{}, false
}

// ruleAddresses yields the addresses and nets a header's address field
// ("1.2.3.4", "[a,![b,c]]", "!$HOME_NET") names and does not negate: an
// entry under an even number of '!' is named.
func ruleAddresses(spec string) func(yield func(netip.Prefix) bool) {
	return func(yield func(netip.Prefix) bool) {
		var neg []bool // negation of each open list, outermost first
		negated := func() bool {
			n := false
			for _, b := range neg {
				n = n != b
			}
			return n
		}
		bang := false
		for i := 0; i < len(spec); {
			switch c := spec[i]; c {
			case '!':
				bang = !bang
				i++
			case '[':
				neg = append(neg, bang)
				bang = false
				i++
			case ']':
				if len(neg) > 0 {
					neg = neg[:len(neg)-1]
				}
				bang = false
				i++
			case ',':
				bang = false
				i++
			default:
				end := strings.IndexAny(spec[i:], ",[]!")
				if end < 0 {
					end = len(spec) - i
				}
				tok := spec[i : i+end]
				i += end
				if bang != negated() {
					continue
				}
				if pr, err := ruleAddress(tok); err == nil && !yield(pr) {
					return
				}
			}
		}
	}
}

// ruleAddress reads one address or net of a rule header.
func ruleAddress(tok string) (netip.Prefix, error) {
	if strings.Contains(tok, "/") {
		pr, err := netip.ParsePrefix(tok)
		if err != nil {
			return netip.Prefix{}, err
		}
		if a := pr.Addr(); a.Is4In6() && pr.Bits() >= 96 {
			pr = netip.PrefixFrom(a.Unmap(), pr.Bits()-96)
		}
		return pr.Masked(), nil
	}
	a, err := netip.ParseAddr(tok)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap().WithZone("")
	return netip.PrefixFrom(a, a.BitLen()), nil
}

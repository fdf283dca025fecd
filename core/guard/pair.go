package guard

import (
	"net/netip"

	"github.com/cratos-project/cratos/core/indicator"
)

// CheckPair returns why an indicator taken from one half of a composite
// MISP attribute (domain|ip, hostname|port, ip-dst|port, filename|md5,
// ...) must not reach a device because of its other half, other (as
// indicator.Extractor.CheckPairs gives it), or ok true when it may. MISP
// drops the whole attribute when either half is on a warninglist that
// applies to the attribute's type, so such a half keeps the other out
// too; so does a name or address of the operator's own (never_block, the
// MISP host), whose address or name the attribute pairs it with. A net
// half is on a warninglist as MISP reads it, within a listed range, not
// over one (Warninglists.Match). The rules on what a list may hold
// (min_prefix, reserved, public_suffix) are not applied to the other
// half: a name on a sinkhole at 127.0.0.1 is listed.
func (p *Policy) CheckPair(other indicator.Indicator) (v Verdict, ok bool) {
	pr, good := other.Prefix()
	switch {
	case other.Type.IsIP():
		if good {
			if v, bad := p.checkOwnAddress(pr); bad {
				return v, false
			}
		}
	case other.Type.IsName():
		if v, bad := p.checkName(other.Value, false); bad {
			return v, false
		}
		for _, q := range p.urls {
			if q.host == other.Value {
				return Verdict{RuleNeverBlock, q.url}, false
			}
		}
	}
	if p.wl != nil {
		if v, hit := p.wl.matchValue(other, pr, good); hit {
			return v, false
		}
	}
	return Verdict{}, true
}

// checkOwnAddress refuses an address or net inside a never-block net,
// the MISP host or the address of a never-block URL, directly or through
// NAT64.
func (p *Policy) checkOwnAddress(pr netip.Prefix) (Verdict, bool) {
	via, nat64 := nat64Embedded(pr)
	for _, nets := range [][]namedPrefix{p.nets, p.urlNets} {
		for _, n := range nets {
			if inside(pr, n.p) || nat64 && inside(via, n.p) {
				return Verdict{n.rule, n.detail}, true
			}
		}
	}
	return Verdict{}, false
}

// inside reports whether pr lies within net.
func inside(pr, net netip.Prefix) bool { return pr.Bits() >= net.Bits() && net.Contains(pr.Addr()) }

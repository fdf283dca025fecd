package checkpoint

import (
	"iter"
	"math"
	"net/netip"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
	"github.com/cratos-project/cratos/renderers/internal/ioc"
)

// coveredTS is the timestamp an IPv4 record inside a listed IP range
// competes with under max_entries: below every other, so that the cap
// leaves such records out first. The range blocks them on the gateway.
const coveredTS = math.MinInt64

// weighCovered returns in with the IPv4 addresses and nets that lie
// inside a net listed before them re-timed for the cap: each at
// coveredTS, and the net that holds them as new as the newest of them,
// so that the cap never drops the range that stands for a kept entry.
// It counts them in covered. The input's canonical order, a net before
// what it holds, makes this a stream: it holds back one net and what
// lies inside it. On another order fewer are found, and nothing else
// changes.
func weighCovered(in iter.Seq[indicator.Indicator], covered *int) iter.Seq[indicator.Indicator] {
	return func(yield func(indicator.Indicator) bool) {
		var open netip.Prefix          // the net held back, when held is not empty
		var held []indicator.Indicator // that net, then what lies inside it
		flush := func() bool {
			for _, x := range held {
				if !yield(x) {
					return false
				}
			}
			held = held[:0]
			return true
		}
		for x := range in {
			p, ok := ipv4Prefix(x)
			if len(held) > 0 {
				if ok && open.Bits() <= p.Bits() && open.Contains(p.Addr()) {
					held[0].Timestamp = max(held[0].Timestamp, x.Timestamp)
					x.Timestamp = coveredTS
					*covered++
					held = append(held, x)
					continue
				}
				if !flush() {
					return
				}
			}
			if ok && x.Type == indicator.IPv4Net {
				open, held = p, append(held, x)
				continue
			}
			if !yield(x) {
				return
			}
		}
		flush()
	}
}

// ipv4Prefix returns an IPv4 address or net as a prefix.
func ipv4Prefix(x indicator.Indicator) (netip.Prefix, bool) {
	if x.Type != indicator.IPv4 && x.Type != indicator.IPv4Net {
		return netip.Prefix{}, false
	}
	p, ok := x.Prefix()
	return p.Masked(), ok && p.Addr().Is4()
}

// emitKept passes keep's records to emit in input order and reports what
// the cap left out: the records inside a listed range (covered of them
// were offered) under DropCovered, the others under DropCap.
func emitKept(o *renderers.Out, d feedlist.Drops, keep *ioc.Keeper[ioc.Record], covered int, emit func(ioc.Record)) {
	items := keep.Items()
	for _, r := range items {
		if r.X.Timestamp == coveredTS {
			covered--
		}
	}
	d.Add(DropCovered, covered)
	d.Add(DropCap, keep.Dropped()-covered)
	for _, r := range items {
		if o.Next() != nil {
			break
		}
		emit(r)
	}
}

package harness

import (
	"math/rand/v2"
	"net/netip"
	"slices"

	"github.com/cratos-project/cratos/core/indicator"
)

// typeWeights is the per-mille share of each type in a generated corpus.
var typeWeights = []struct {
	t indicator.Type
	w int
}{
	{indicator.IPv4, 300}, {indicator.IPv4Net, 30}, {indicator.IPv6, 40}, {indicator.IPv6Net, 10},
	{indicator.Domain, 190}, {indicator.Hostname, 100}, {indicator.URL, 150},
	{indicator.MD5, 40}, {indicator.SHA1, 30}, {indicator.SHA256, 40},
	{indicator.Email, 15}, {indicator.EmailSubject, 8}, {indicator.EmailAttachment, 8},
	{indicator.Mutex, 5}, {indicator.Snort, 3}, {indicator.Yara, 2}, {indicator.Sigma, 2},
	{indicator.X509MD5, 2}, {indicator.X509SHA1, 2}, {indicator.X509SHA256, 2},
	{indicator.Vulnerability, 3}, {indicator.JA3, 3}, {indicator.HASSH, 2},
	{indicator.HASSHServer, 2}, {indicator.Imphash, 3}, {indicator.CryptoCurrency, 4},
}

// Generate builds n distinct canonical indicators of the types in types,
// deterministically from seed, in the mix and with the MISP context that
// conformance.Generated documents. It produces the canonical order
// directly (the order indicator.Normalize gives, which a test checks)
// because sorting a million Indicators is most of the cost otherwise:
// values are drawn per type, sorted and de-duplicated as compact keys or
// strings, topped up until each type has its share, and only then given
// their MISP context.
func Generate(n int, seed int64, types indicator.TypeSet) []indicator.Indicator {
	out := []indicator.Indicator{}
	var table []indicator.Type
	for _, tw := range typeWeights {
		if types.Has(tw.t) {
			for range tw.w {
				table = append(table, tw.t)
			}
		}
	}
	if n <= 0 || len(table) == 0 {
		return out
	}
	g := &generator{r: rand.New(rand.NewPCG(uint64(seed), 0x6372_6174_6f73))}
	counts := map[indicator.Type]int{}
	for range n {
		counts[table[g.r.IntN(len(table))]]++
	}
	out = slices.Grow(out, n)
	out = g.ipv4Group(out, counts[indicator.IPv4], counts[indicator.IPv4Net])
	out = g.ipv6Group(out, counts[indicator.IPv6], counts[indicator.IPv6Net])
	for _, t := range indicator.AllTypes() {
		if !t.IsIP() && counts[t] > 0 {
			out = g.textGroup(out, t, counts[t])
		}
	}
	for i := range out {
		g.context(&out[i])
	}
	return out
}

// ipv4Group appends addrs distinct addresses and nets distinct nets, in
// numeric order (address, then prefix length).
func (g *generator) ipv4Group(out []indicator.Indicator, addrs, nets int) []indicator.Indicator {
	// A key is the address in the high bits and the prefix length below.
	fill := func(keys []uint64, want int, next func() uint64) []uint64 {
		for len(keys) < want {
			for k := want - len(keys); k > 0; k-- {
				keys = append(keys, next())
			}
			slices.Sort(keys)
			keys = slices.Compact(keys)
		}
		return keys
	}
	keys := fill(nil, addrs, func() uint64 { return uint64(g.ipv4Bits())<<8 | 32 })
	netKeys := fill(nil, nets, func() uint64 {
		bits := v4Bits[g.r.IntN(len(v4Bits))]
		a := g.ipv4Bits() &^ (1<<(32-bits) - 1)
		return uint64(a)<<8 | uint64(bits)
	})
	keys = append(keys, netKeys...)
	slices.Sort(keys)
	for _, k := range keys {
		v, bits := uint32(k>>8), int(k&0xff)
		a := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
		if bits == 32 {
			out = append(out, indicator.Indicator{Type: indicator.IPv4, Value: a.String()})
		} else {
			out = append(out, indicator.Indicator{Type: indicator.IPv4Net, Value: netip.PrefixFrom(a, bits).String()})
		}
	}
	return out
}

// ipv6Group is ipv4Group for IPv6.
func (g *generator) ipv6Group(out []indicator.Indicator, addrs, nets int) []indicator.Indicator {
	compare := func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	}
	fill := func(ps []netip.Prefix, want int, next func() netip.Prefix) []netip.Prefix {
		for len(ps) < want {
			for k := want - len(ps); k > 0; k-- {
				ps = append(ps, next())
			}
			slices.SortFunc(ps, compare)
			ps = slices.Compact(ps)
		}
		return ps
	}
	ps := fill(nil, addrs, func() netip.Prefix { return netip.PrefixFrom(g.ipv6(128), 128) })
	ps = append(ps, fill(nil, nets, g.ipv6Net)...)
	slices.SortFunc(ps, compare)
	for _, p := range ps {
		if p.Bits() == 128 {
			out = append(out, indicator.Indicator{Type: indicator.IPv6, Value: p.Addr().String()})
		} else {
			out = append(out, indicator.Indicator{Type: indicator.IPv6Net, Value: p.String()})
		}
	}
	return out
}

// textGroup appends want distinct values of t in byte order.
func (g *generator) textGroup(out []indicator.Indicator, t indicator.Type, want int) []indicator.Indicator {
	var vs []string
	for len(vs) < want {
		for k := want - len(vs); k > 0; k-- {
			vs = append(vs, g.value(t))
		}
		slices.Sort(vs)
		vs = slices.Compact(vs)
	}
	for _, v := range vs {
		out = append(out, indicator.Indicator{Type: t, Value: v})
	}
	return out
}

// context sets the MISP context of in.
func (g *generator) context(in *indicator.Indicator) {
	in.MISPType, in.Category = mispAttrs[in.Type].typ, mispAttrs[in.Type].category
	in.UUID = g.uuid()
	in.EventID = 1 + g.r.Int64N(5000)
	in.Timestamp = Epoch - g.r.Int64N(90*86400)
	in.ToIDS = g.r.IntN(10) != 0
}

type generator struct {
	r *rand.Rand
	b []byte
}

// Epoch is the time the generated and listed indicators are dated from:
// 2026-01-01T00:00:00Z.
const Epoch = 1767225600

// mispAttrs are the MISP type and category of each generated indicator type.
var mispAttrs = map[indicator.Type]struct{ typ, category string }{
	indicator.IPv4:            {"ip-dst", "Network activity"},
	indicator.IPv4Net:         {"ip-dst", "Network activity"},
	indicator.IPv6:            {"ip-dst", "Network activity"},
	indicator.IPv6Net:         {"ip-dst", "Network activity"},
	indicator.Domain:          {"domain", "Network activity"},
	indicator.Hostname:        {"hostname", "Network activity"},
	indicator.URL:             {"url", "Network activity"},
	indicator.MD5:             {"md5", "Payload delivery"},
	indicator.SHA1:            {"sha1", "Payload delivery"},
	indicator.SHA256:          {"sha256", "Payload delivery"},
	indicator.Email:           {"email-src", "Payload delivery"},
	indicator.EmailSubject:    {"email-subject", "Payload delivery"},
	indicator.EmailAttachment: {"email-attachment", "Payload delivery"},
	indicator.Mutex:           {"mutex", "Artifacts dropped"},
	indicator.Snort:           {"snort", "Network activity"},
	indicator.Yara:            {"yara", "Payload installation"},
	indicator.Sigma:           {"sigma", "Artifacts dropped"},
	indicator.X509MD5:         {"x509-fingerprint-md5", "Network activity"},
	indicator.X509SHA1:        {"x509-fingerprint-sha1", "Network activity"},
	indicator.X509SHA256:      {"x509-fingerprint-sha256", "Network activity"},
	indicator.Vulnerability:   {"vulnerability", "External analysis"},
	indicator.JA3:             {"ja3-fingerprint-md5", "Network activity"},
	indicator.HASSH:           {"hassh-md5", "Network activity"},
	indicator.HASSHServer:     {"hasshserver-md5", "Network activity"},
	indicator.Imphash:         {"imphash", "Payload delivery"},
	indicator.CryptoCurrency:  {"btc", "Financial fraud"},
}

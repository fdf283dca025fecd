package indicator

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
)

// TestNormalizeAsReference checks Normalize on random lists, with many
// duplicates, against a plain reading of its contract: the best of each
// Type and Value (better), in canonical order. It also checks that the
// places past the result are cleared, and that the same list without
// UUIDs keeps the same indicators but for their UUIDs.
func TestNormalizeAsReference(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	value := func() (Type, string) {
		switch r.IntN(9) {
		case 7:
			return IPv4, netip.AddrFrom4([4]byte{byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(4)), byte(r.IntN(256))}).String()
		case 8:
			return IPv6, fmt.Sprintf("2001:db8:%x::%x", r.IntN(1<<16), r.IntN(1<<16))
		case 5:
			// Values no canonical list holds, which the order still covers.
			odd := []struct {
				t Type
				v string
			}{{IPv6, "::"}, {IPv6Net, "::/0"}, {IPv6, "junk"}, {IPv4, "junk"}, {IPv4Net, "0.0.0.0/0"}, {IPv4, "0.0.0.0"},
				{IPv6, "fe80::1%eth1"}, {IPv6, "fe80::1%eth0"}, {IPv6, "fe80::1"}, {IPv6, "fe80:0::1%eth0"}, {IPv4, "::1"}, {IPv4, "::ffff:10.0.0.1"}}
			o := odd[r.IntN(len(odd))]
			return o.t, o.v
		case 6:
			return IPv6Net, fmt.Sprintf("2001:db8:%x::/%d", r.IntN(4), 32+r.IntN(40))
		case 0:
			return IPv4, fmt.Sprintf("10.0.%d.%d", r.IntN(3), r.IntN(20))
		case 1:
			return IPv4Net, fmt.Sprintf("10.0.%d.0/%d", r.IntN(3), 22+r.IntN(3))
		case 2:
			return IPv6, fmt.Sprintf("2001:db8::%x", r.IntN(30))
		case 3:
			return Domain, fmt.Sprintf("%c.example", 'a'+r.IntN(20))
		}
		return SHA256, fmt.Sprintf("%064x", r.IntN(10))
	}
	for _, n := range []int{0, 1, 2, 3, 10, 100, 1000, 5000, normalizeHalvesMin - 1, normalizeHalvesMin, normalizeHalvesMin + 1} {
		rounds := 20
		if n >= normalizeHalvesMin-1 {
			rounds = 1
		}
		for range rounds {
			in := make([]Indicator, n)
			for i := range in {
				typ, v := value()
				in[i] = Indicator{Type: typ, Value: v, UUID: fmt.Sprintf("u%02d", r.IntN(40)), Timestamp: int64(r.IntN(4)),
					MISPType: []string{"ip-dst", "ip-src", "domain"}[r.IntN(3)], Category: []string{"Network activity", "External analysis"}[r.IntN(2)],
					EventID: int64(r.IntN(3)), ToIDS: r.IntN(2) == 0}
			}
			want := normalizeReference(in)
			got := Normalize(slices.Clone(in))
			if !slices.Equal(got, want) {
				t.Fatalf("%d indicators: got %d\n%v\nwant %d\n%v", n, len(got), got, len(want), want)
			}
			if got, want := Normalize(withoutUUIDs(in)), withoutUUIDs(want); !slices.Equal(got, want) {
				t.Fatalf("%d indicators without UUIDs: got %d\n%v\nwant %d\n%v", n, len(got), got, len(want), want)
			}
			rest := slices.Clone(in)
			Normalize(rest)
			for i := len(want); i < n; i++ {
				if rest[i] != (Indicator{}) {
					t.Fatalf("%d indicators: place %d past the %d kept holds %+v", n, i, len(want), rest[i])
				}
			}
		}
	}
}

// withoutUUIDs returns a copy of ins with every UUID empty.
func withoutUUIDs(ins []Indicator) []Indicator {
	out := slices.Clone(ins)
	for i := range out {
		out[i].UUID = ""
	}
	return out
}

// normalizeReference keeps the best indicator of each Type and Value and
// sorts them in the canonical order, read plainly: kind group, address
// (netip's order; none before any), prefix length, Type, Value.
func normalizeReference(in []Indicator) []Indicator {
	type id struct {
		t Type
		v string
	}
	best := map[id]Indicator{}
	for _, x := range in {
		k := id{x.Type, x.Value}
		if b, ok := best[k]; !ok || better(&x, &b) {
			best[k] = x
		}
	}
	out := make([]Indicator, 0, len(best))
	for _, x := range best {
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b Indicator) int {
		pa, _ := a.Prefix()
		pb, _ := b.Prefix()
		return cmp.Or(cmp.Compare(group(a.Type), group(b.Type)), pa.Addr().Compare(pb.Addr()),
			cmp.Compare(pa.Bits(), pb.Bits()), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Value, b.Value))
	})
	return out
}

// BenchmarkNormalize sorts and de-duplicates a million IPv4 addresses, an
// eighth of them repeated, as a large ipv4 list is.
func BenchmarkNormalize(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	in := make([]Indicator, 1<<20)
	for i := range in {
		a := r.Uint32()
		if i%8 == 0 && i > 0 {
			a = r.Uint32N(uint32(i))
		}
		in[i] = Indicator{Type: IPv4, Value: netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)}).String(), Timestamp: int64(i)}
	}
	work := make([]Indicator, len(in))
	for b.Loop() {
		copy(work, in)
		Normalize(work)
	}
}

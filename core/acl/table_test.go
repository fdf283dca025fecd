package acl

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
)

func TestTableContains(t *testing.T) {
	tests := []struct {
		name     string
		prefixes []netip.Prefix
		in, out  []string
	}{
		{"empty list", nil, nil, []string{"192.0.2.1", "::1", "0.0.0.0"}},
		{"one host", pfx("192.0.2.7/32"), []string{"192.0.2.7", "::ffff:192.0.2.7"}, []string{"192.0.2.6", "192.0.2.8", "::192.0.2.7"}},
		{"ipv4 /0 holds no ipv6", pfx("0.0.0.0/0"), []string{"0.0.0.0", "255.255.255.255", "::ffff:10.0.0.1"}, []string{"::1", "2001:db8::1", "::"}},
		{"ipv6 /0 holds no ipv4", pfx("::/0"), []string{"::", "2001:db8::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::a00:1"}, []string{"10.0.0.1", "::ffff:10.0.0.1"}},
		{"host bits set", pfx("192.0.2.77/24", "2001:db8::99/64"), []string{"192.0.2.0", "192.0.2.255", "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff"}, []string{"192.0.3.0", "192.0.1.255", "2001:db8:0:1::"}},
		{"mapped ipv6 prefix holds no client", []netip.Prefix{netip.MustParsePrefix("::ffff:10.0.0.0/104")}, nil, []string{"10.0.0.1", "::ffff:10.0.0.1"}},
		{"zone never matches", pfx("fe80::/10"), []string{"fe80::1"}, []string{"fe80::1%eth0", "fe80::53%1"}},
		{"mapped address with zone is ipv4", pfx("10.0.0.0/8"), []string{"::ffff:10.1.2.3%eth0"}, nil},
		{"overlapping and adjacent", pfx("10.0.0.0/24", "10.0.1.0/24", "10.0.0.128/25", "10.0.3.0/24", "10.0.0.0/16"), []string{"10.0.255.255", "10.0.2.9"}, []string{"10.1.0.0", "9.255.255.255"}},
		{"top of each family", pfx("255.255.255.254/31", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127", "0.0.0.0/32", "::/128"),
			[]string{"255.255.255.255", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "0.0.0.0", "::"}, []string{"255.255.255.253", "0.0.0.1", "::1"}},
		{"invalid prefix matches nothing", []netip.Prefix{{}, netip.PrefixFrom(netip.MustParseAddr("10.0.0.0"), 33)}, nil, []string{"10.0.0.0", "::"}},
		{"halves of the ipv6 space", pfx("::/1", "8000::/1"), []string{"::", "7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "8000::"}, []string{"1.2.3.4"}},
		{"/64 boundary", pfx("2001:db8:0:1::/64"), []string{"2001:db8:0:1:ffff:ffff:ffff:ffff"}, []string{"2001:db8:0:2::", "2001:db8::ffff:ffff:ffff:ffff"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			table := NewTable(tc.prefixes)
			for _, want := range []bool{true, false} {
				addrs := tc.in
				if !want {
					addrs = tc.out
				}
				for _, s := range addrs {
					a := netip.MustParseAddr(s)
					if got := table.Contains(a); got != want {
						t.Errorf("Table.Contains(%s) = %v, want %v", s, got, want)
					}
					if got := Contains(tc.prefixes, a); got != want {
						t.Errorf("Contains(%s) = %v, want %v", s, got, want)
					}
				}
			}
			if table.Contains(netip.Addr{}) {
				t.Error("the zero address is contained")
			}
		})
	}
}

// TestTableMatchesContains compares the Table with the linear Contains on
// random lists and addresses near their edges.
func TestTableMatchesContains(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		prefixes := make([]netip.Prefix, r.IntN(40))
		for i := range prefixes {
			prefixes[i] = randomPrefix(r)
		}
		table := NewTable(prefixes)
		var addrs []netip.Addr
		for _, p := range prefixes {
			addrs = append(addrs, edges(p)...)
		}
		for range 50 {
			addrs = append(addrs, randomAddr(r))
		}
		for _, a := range addrs {
			if got, want := table.Contains(a), Contains(prefixes, a); got != want {
				t.Fatalf("round %d: %v in %v: Table says %v, Contains %v", round, a, prefixes, got, want)
			}
		}
	}
}

// FuzzTable compares the Table with the linear Contains on a list of up
// to four prefixes read from the input and one address.
func FuzzTable(f *testing.F) {
	f.Add([]byte("\x00\x0a\x00\x00\x00\x08"), "10.1.2.3")
	f.Add([]byte("\x01\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x20"), "2001:db8::1%eth0")
	f.Add([]byte("\x00\xff\xff\xff\xff\x00"), "::ffff:1.2.3.4")
	f.Fuzz(func(t *testing.T, data []byte, addr string) {
		a, err := netip.ParseAddr(addr)
		if err != nil {
			return
		}
		var prefixes []netip.Prefix
		for len(data) > 0 && len(prefixes) < 4 {
			size := 4
			if data[0]&1 == 1 {
				size = 16
			}
			if len(data) < 2+size {
				break
			}
			ip, _ := netip.AddrFromSlice(data[1 : 1+size])
			prefixes = append(prefixes, netip.PrefixFrom(ip, int(data[1+size])%130-1))
			data = data[2+size:]
		}
		if got, want := NewTable(prefixes).Contains(a), Contains(prefixes, a); got != want {
			t.Errorf("%v in %v: Table says %v, Contains %v", a, prefixes, got, want)
		}
	})
}

func TestLookupFollowsTheList(t *testing.T) {
	list := pfx("192.0.2.0/24")
	table := NewTable(list)
	a := netip.MustParseAddr("198.51.100.1")
	if Lookup(table, list, a) {
		t.Fatal("an address outside the list was found")
	}
	changed := append(list, netip.MustParsePrefix("198.51.100.0/24"))
	if !Lookup(table, changed, a) {
		t.Error("an address added to the list after its table was built was not found")
	}
	if !Lookup(nil, changed, a) {
		t.Error("a list without a table was not read")
	}
	if Lookup(table, nil, netip.MustParseAddr("192.0.2.1")) {
		t.Error("an emptied list still allowed its former address")
	}
}

// bases keeps random prefixes and addresses close enough to overlap.
var bases = []string{"10.0.0.0", "192.0.2.0", "0.0.0.0", "255.255.255.0", "2001:db8::", "::", "fe80::", "::ffff:10.0.0.0", "ffff:ffff:ffff:ffff::"}

func randomAddr(r *rand.Rand) netip.Addr {
	b := netip.MustParseAddr(bases[r.IntN(len(bases))]).AsSlice()
	for i := range r.IntN(3) {
		b[len(b)-1-i] ^= byte(r.Uint32())
	}
	if r.IntN(8) == 0 && len(b) == 16 {
		b[r.IntN(16)] ^= byte(r.Uint32())
	}
	a, _ := netip.AddrFromSlice(b)
	switch r.IntN(10) {
	case 0:
		a = netip.AddrFrom16(a.As16()) // IPv4-mapped when a is IPv4
	case 1:
		if a.Is6() {
			a = a.WithZone("eth0")
		}
	}
	return a
}

func randomPrefix(r *rand.Rand) netip.Prefix {
	a := randomAddr(r).WithZone("")
	if r.IntN(30) == 0 {
		return netip.Prefix{}
	}
	return netip.PrefixFrom(a, r.IntN(a.BitLen()+1))
}

// edges returns the first and last addresses of p and their neighbours.
func edges(p netip.Prefix) []netip.Addr {
	if !p.IsValid() {
		return nil
	}
	first := p.Masked().Addr()
	b := first.AsSlice()
	host := p.Addr().BitLen() - p.Bits()
	for i := range host {
		b[len(b)-1-i/8] |= 1 << (i % 8)
	}
	last, _ := netip.AddrFromSlice(b)
	out := []netip.Addr{first, last, first.Prev(), last.Next()}
	for _, a := range out[:2] {
		if a.Is4() {
			out = append(out, netip.AddrFrom16(a.As16()))
		}
	}
	return out
}

// fleet lists n single addresses, one in four IPv6, as a site listing a
// fleet's addresses one by one does.
func fleet(n int) []netip.Prefix {
	out := make([]netip.Prefix, n)
	for i := range out {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], 0x0a000000+uint32(i)*7)
		a := netip.AddrFrom4(b)
		if i%4 == 3 {
			a = netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 14: b[2], 15: b[3]})
		}
		out[i] = netip.PrefixFrom(a, a.BitLen())
	}
	return out
}

// BenchmarkAllowed is the check of one request against a site's list of
// 1, 100 or 10,000 addresses (the client one of them, in turn), through
// the linear Contains and through a Table.
func BenchmarkAllowed(b *testing.B) {
	global := pfx("127.0.0.0/8", "::1/128")
	for _, n := range []int{1, 100, 10000} {
		site := fleet(n)
		clients := make([]netip.Addr, n)
		for i, p := range site {
			clients[i] = p.Addr()
		}
		globalTable, siteTable := NewTable(global), NewTable(site)
		b.Run(fmt.Sprintf("linear/%d", n), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if !Allowed(clients[i%n], global, site) {
					b.Fatal("not allowed")
				}
			}
		})
		b.Run(fmt.Sprintf("table/%d", n), func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				c := clients[i%n]
				if !c.IsValid() || !Lookup(globalTable, global, c) && !Lookup(siteTable, site, c) {
					b.Fatal("not allowed")
				}
			}
		})
	}
}

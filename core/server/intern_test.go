package server

import (
	"fmt"
	"net/netip"
	"testing"
	"unsafe"
)

// TestInterned: the interned strings are the values they stand for, the
// same string for the same value, and the tables stay bounded however
// many values arrive.
func TestInterned(t *testing.T) {
	for _, ua := range []string{"", "curl/8.5.0", "suricata-update/1.3", "ü\x00\xff"} {
		buf := []byte(ua)
		first := internUA(buf)
		copy(buf, make([]byte, len(buf))) // the caller's buffer is reused
		if first != ua || internUA([]byte(ua)) != ua {
			t.Errorf("User-Agent %q interned as %q", ua, first)
		}
		if len(ua) > 0 && unsafe.StringData(internUA([]byte(ua))) != unsafe.StringData(first) {
			t.Errorf("User-Agent %q interned twice", ua)
		}
	}
	for _, s := range []string{"127.0.0.1", "2001:db8::1", "fe80::1%eth0", "::ffff:192.0.2.1"} {
		a := netip.MustParseAddr(s)
		if got := addrString(a); got != a.String() || addrString(a) != got {
			t.Errorf("address %s interned as %q", s, got)
		}
	}
	for i := range 3 * maxInterned {
		internUA(fmt.Appendf(nil, "agent/%d", i))
		addrString(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}))
	}
	interned.mu.RLock()
	defer interned.mu.RUnlock()
	if len(interned.uas) > maxInterned || len(interned.addrs) > maxInterned {
		t.Errorf("tables hold %d agents and %d addresses, bound %d", len(interned.uas), len(interned.addrs), maxInterned)
	}
}

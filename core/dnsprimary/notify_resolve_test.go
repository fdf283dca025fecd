package dnsprimary

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// A NOTIFY target whose name does not resolve at first (its resolver is
// the secondary, restarting) is tried again on the retry schedule: the
// NOTIFY was dropped at the first failure, and the secondary waited for
// its SOA refresh timer, an hour by default.
func TestNotifyRetriesResolution(t *testing.T) {
	sec := newFakeSecondary(t, 1, nil)
	var lookups atomic.Int32
	lookupNetIP = func(ctx context.Context, network, host string) ([]netip.Addr, error) {
		if lookups.Add(1) == 1 {
			return nil, &net.DNSError{Err: "server misbehaving", Name: host, IsTemporary: true}
		}
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	t.Cleanup(func() { lookupNetIP = net.DefaultResolver.LookupNetIP })

	port := sec.conn.LocalAddr().(*net.UDPAddr).Port
	z := newTestZone(&fakeSource{text: policyZone(domainsV1)})
	z.Notify = []string{"secondary.example.test:" + strconv.Itoa(port)}
	startServer(t, newClock().Now, z)
	select {
	case m := <-sec.received:
		if soa, ok := firstSOA(m.Answer); !ok || soa.Serial != testEpoch {
			t.Errorf("NOTIFY carries %v, want the SOA of serial %d", m.Answer, testEpoch)
		}
	case <-time.After(time.Minute):
		t.Fatal("no NOTIFY after the target's name failed to resolve once")
	}
	if n := lookups.Load(); n != 2 {
		t.Errorf("%d lookups, want 2", n)
	}
}

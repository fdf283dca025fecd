package dnsprimary

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/internal/testtool"
)

// fakeSecondary receives NOTIFYs on UDP and answers, for each serial, from
// the answerFrom-th attempt on. The attempts up to the first one answered
// go to received; later ones, which a server sends when an answer reaches
// it late, are answered again and only counted.
type fakeSecondary struct {
	conn     net.PacketConn
	received chan *dns.Msg
	from     chan net.Addr

	mu      sync.Mutex
	repeats map[uint32]int // NOTIFYs after the answered one, by serial
}

// repeated returns how many NOTIFYs for serial came after one was answered.
func (f *fakeSecondary) repeated(serial uint32) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.repeats[serial]
}

func newFakeSecondary(t *testing.T, answerFrom int, secret map[string]string) *fakeSecondary {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSecondary{conn: conn, received: make(chan *dns.Msg, 16), from: make(chan net.Addr, 16), repeats: map[uint32]int{}}
	t.Cleanup(func() { conn.Close() })
	go func() {
		buf := make([]byte, dns.MaxMsgSize)
		attempts := map[uint32]int{}
		for {
			k, addr, err := conn.ReadFrom(buf)
			if err != nil {
				return
			}
			m := new(dns.Msg)
			if err := m.Unpack(buf[:k]); err != nil {
				continue
			}
			if t := m.IsTsig(); t != nil && secret != nil {
				if err := dns.TsigVerify(buf[:k], secret[t.Hdr.Name], "", false); err != nil {
					m.Rcode = -1 // mark: bad signature
				}
			}
			var serial uint32
			if soa, ok := firstSOA(m.Answer); ok {
				serial = soa.Serial
			}
			attempts[serial]++
			if attempts[serial] <= answerFrom {
				f.received <- m
				f.from <- addr
			} else {
				f.mu.Lock()
				f.repeats[serial]++
				f.mu.Unlock()
			}
			if attempts[serial] >= answerFrom {
				out, _ := new(dns.Msg).SetReply(m).Pack()
				if sig := m.IsTsig(); sig != nil && secret != nil && m.Rcode != -1 {
					// A signed NOTIFY is answered signed, as the
					// server requires.
					out = signedAnswer(t, m, secret[sig.Hdr.Name], sig.MAC)
				}
				conn.WriteTo(out, addr)
			}
		}
	}()
	return f
}

func TestNotify(t *testing.T) {
	tests := []struct {
		name       string
		answerFrom int // the secondary ignores the attempts before this one
		key        *TSIGKey
	}{
		{"answered at once", 1, nil},
		{"retried until answered", 2, nil},
		{"signed with the zone key", 1, testKey()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sec := newFakeSecondary(t, tt.answerFrom, map[string]string{testKeyName: testSecret})
			clk := newClock()
			src := &fakeSource{text: policyZone(domainsV1)}
			z := newTestZone(src)
			z.Notify = []string{sec.conn.LocalAddr().String()}
			z.TSIG = tt.key
			s := startServer(t, clk.Now, z)
			// The first build notifies too (secondaries may hold an old copy).
			expectNotify(t, sec, s, testEpoch, tt.answerFrom, tt.key != nil)

			src.set(policyZone(domainsV2), nil)
			clk.Set(time.Unix(testEpoch+10, 0))
			if err := s.Refresh(context.Background(), testZone); err != nil {
				t.Fatal(err)
			}
			expectNotify(t, sec, s, testEpoch+10, tt.answerFrom, tt.key != nil)

			// No change: no NOTIFY.
			repeats := sec.repeated(testEpoch + 10)
			if err := s.Refresh(context.Background(), testZone); err != nil {
				t.Fatal(err)
			}
			select {
			case m := <-sec.received:
				t.Errorf("NOTIFY without a change: %v", m)
			case <-time.After(300 * time.Millisecond):
			}
			if n := sec.repeated(testEpoch + 10); n != repeats {
				t.Errorf("%d NOTIFYs without a change", n-repeats)
			}
		})
	}
}

// expectNotify reads attempts NOTIFYs for serial and checks them, then
// waits for the server to stop notifying.
func expectNotify(t *testing.T, sec *fakeSecondary, s *Server, serial uint32, attempts int, signed bool) {
	t.Helper()
	for i := 1; i <= attempts; i++ {
		var m *dns.Msg
		select {
		case m = <-sec.received:
		case <-time.After(time.Minute):
			t.Fatalf("NOTIFY attempt %d for serial %d not received", i, serial)
		}
		from := <-sec.from
		if from.String() != s.Addr() {
			t.Errorf("NOTIFY sent from %s, want the server's address %s", from, s.Addr())
		}
		if m.Opcode != dns.OpcodeNotify || !m.Authoritative || len(m.Question) != 1 || m.Question[0].Name != testZone || m.Question[0].Qtype != dns.TypeSOA {
			t.Fatalf("not a NOTIFY for %s: %v", testZone, m)
		}
		if soa, ok := firstSOA(m.Answer); !ok || soa.Serial != serial {
			t.Errorf("NOTIFY answer = %v, want the SOA with serial %d", m.Answer, serial)
		}
		if signed && (m.IsTsig() == nil || m.Rcode == -1) {
			t.Errorf("NOTIFY not signed with the zone key (tsig %v)", m.IsTsig())
		}
	}
	waitNotifyDone(t, s)
	// An answer that reaches the server after its wait (a busy machine)
	// costs a re-send; a server that ignored answers would send them all.
	if n := sec.repeated(serial); n >= notifyAttempts-attempts {
		t.Errorf("NOTIFY for serial %d sent %d more times after it was answered", serial, n)
	}
}

// waitNotifyDone waits, a minute at most, until no NOTIFY of the test zone
// is in flight. The secondary has read every NOTIFY sent by then: the
// sequence ends on its answer to the last one.
func waitNotifyDone(t *testing.T, s *Server) {
	t.Helper()
	z := s.zones[dns.CanonicalName(testZone)]
	testtool.WaitFor(t, "no NOTIFY of "+testZone+" in flight", time.Minute, func() bool {
		z.notifyMu.Lock()
		defer z.notifyMu.Unlock()
		return len(z.notifyJ) == 0
	})
}

// A NOTIFY target named by a host with both IPv6 and IPv4 addresses is
// sent to an address of the listening socket's family.
func TestNotifyAddressFamily(t *testing.T) {
	v6, v4 := netip.MustParseAddr("2001:db8::10"), netip.MustParseAddr("192.0.2.10")
	tests := []struct {
		local string
		addrs []netip.Addr
		want  netip.Addr
	}{
		{"192.0.2.53:5353", []netip.Addr{v6, v4}, v4},
		{"[2001:db8::53]:5353", []netip.Addr{v4, v6}, v6},
		{"0.0.0.0:5353", []netip.Addr{v6, v4}, v6}, // dual stack
		{"[::]:5353", []netip.Addr{v4, v6}, v4},
		{"192.0.2.53:5353", []netip.Addr{v6}, v6}, // none better: the send reports the error
		{"192.0.2.53:5353", []netip.Addr{netip.MustParseAddr("::ffff:192.0.2.10")}, v4},
	}
	for _, tt := range tests {
		local := net.UDPAddrFromAddrPort(netip.MustParseAddrPort(tt.local))
		if got := reachable(tt.addrs, local); got != tt.want {
			t.Errorf("from %s to %v: %s, want %s", tt.local, tt.addrs, got, tt.want)
		}
	}
}

package dnsprimary

import (
	"log/slog"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// A DNS connection gives its place back when first closed, and only then.
func TestCappedConnReleasesOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := newCapListener(ln, 2, 2, slog.New(slog.DiscardHandler))
	defer l.Close()
	var conns []net.Conn
	for range 2 {
		// The kernel completes the handshake before Accept.
		client, err := net.DialTimeout("tcp", ln.Addr().String(), 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		c, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	if n := l.caps.Open(); n != 2 {
		t.Fatalf("%d open, want 2", n)
	}
	_ = conns[0].Close()
	_ = conns[0].Close()
	if n := l.caps.Open(); n != 1 {
		t.Errorf("%d open after one connection closed twice, want 1", n)
	}
	_ = conns[1].Close()
	if n := l.caps.Open(); n != 0 {
		t.Errorf("%d open after both closed, want 0", n)
	}
}

// Connections from addresses that no zone lets in, which get only
// REFUSED, hold at most tcpConnStrangers places: a flood of them from
// many addresses leaves room for a secondary's transfer.
func TestStrangersLeaveRoomForSecondaries(t *testing.T) {
	z := newTestZone(&fakeSource{text: policyZone(domainsV1)})
	z.AllowTransfer = []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}
	s := startServer(t, newClock().Now, z)
	for i := range tcpConnTotal / tcpConnPerAddr {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(i+1))}, Timeout: 5 * time.Second}
		for range tcpConnPerAddr {
			c, err := d.Dial("tcp", s.Addr())
			if err != nil {
				continue // refused already
			}
			t.Cleanup(func() { c.Close() })
			// An answer, or the connection closed, shows it was accepted.
			co := &dns.Conn{Conn: c}
			_ = co.SetDeadline(time.Now().Add(5 * time.Second))
			if co.WriteMsg(new(dns.Msg).SetQuestion(testZone, dns.TypeSOA)) == nil {
				_, _ = co.ReadMsg()
			}
		}
	}
	n, err := axfrFromSecondary(t, s, 5*time.Second)
	if err != nil {
		t.Fatalf("secondary's AXFR: %v", err)
	}
	if n != 9 {
		t.Errorf("secondary's AXFR: %d records, want 9", n)
	}
}

// When every TCP place is taken by idle connections from addresses a
// zone allows, each within tcpConnPerAddr, the connection that has waited
// longest for a query gives way to a secondary's transfer: the transfer
// was refused at accept, and the secondaries were locked out for as long
// as the idle connections were kept open.
func TestIdleConnectionsGiveWayToASecondary(t *testing.T) {
	z := newTestZone(&fakeSource{text: policyZone(domainsV1)})
	z.AllowTransfer = []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}
	z.AllowQuery = []netip.Prefix{netip.MustParsePrefix("127.0.1.0/24")}
	s := startServer(t, newClock().Now, z)
	for i := range tcpConnTotal / tcpConnPerAddr {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(i+1))}, Timeout: 10 * time.Second}
		for range tcpConnPerAddr {
			c, err := d.Dial("tcp", s.Addr())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			// Its answer shows it holds a place; it then sits idle.
			co := &dns.Conn{Conn: c}
			_ = co.SetDeadline(time.Now().Add(time.Minute))
			if err := co.WriteMsg(new(dns.Msg).SetQuestion(testZone, dns.TypeSOA)); err != nil {
				t.Fatal(err)
			}
			if r, err := co.ReadMsg(); err != nil || r.Rcode != dns.RcodeSuccess {
				t.Fatalf("query from an allowed address: %v, %v", r, err)
			}
		}
	}
	n, err := axfrFromSecondary(t, s, time.Minute)
	if err != nil {
		t.Fatalf("secondary's AXFR with every place taken: %v", err)
	}
	if n != 9 {
		t.Errorf("secondary's AXFR: %d records, want 9", n)
	}
}

// axfrFromSecondary transfers the test zone over TCP from 127.0.0.2, the
// secondary's address, each read waiting at most wait, and returns how
// many records came or the error that ended the transfer.
func axfrFromSecondary(t *testing.T, s *Server, wait time.Duration) (int, error) {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: 10 * time.Second}
	c, err := d.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	tr := &dns.Transfer{Conn: &dns.Conn{Conn: c}, ReadTimeout: wait}
	ch, err := tr.In(new(dns.Msg).SetAxfr(testZone), s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for env := range ch {
		if env.Error != nil {
			return n, env.Error
		}
		n += len(env.RR)
	}
	return n, nil
}

// Queries pipelined on one TCP connection (RFC 7766) are all answered,
// however many: the connection was closed after 128 queries, with the
// next ones unread, so the client got a reset that also threw away
// answers already sent.
func TestPipelinedQueriesAllAnswered(t *testing.T) {
	s := startServer(t, newClock().Now, newTestZone(&fakeSource{text: policyZone(domainsV1)}))
	c, err := net.DialTimeout("tcp", s.Addr(), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const queries = 300
	var stream []byte
	for i := range queries {
		m := new(dns.Msg).SetQuestion(testZone, dns.TypeSOA)
		m.Id = uint16(i)
		b, err := m.Pack()
		if err != nil {
			t.Fatal(err)
		}
		stream = append(append(stream, byte(len(b)>>8), byte(len(b))), b...)
	}
	if _, err := c.Write(stream); err != nil {
		t.Fatal(err)
	}
	co := &dns.Conn{Conn: c}
	_ = co.SetReadDeadline(time.Now().Add(time.Minute))
	for i := range queries {
		r, err := co.ReadMsg()
		if err != nil {
			t.Fatalf("answer %d of %d: %v", i+1, queries, err)
		}
		if r.Id != uint16(i) || r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 {
			t.Fatalf("answer %d: id %d, rcode %s, %d records; want id %d, NOERROR, the SOA", i+1, r.Id, dns.RcodeToString[r.Rcode], len(r.Answer), i)
		}
	}
}

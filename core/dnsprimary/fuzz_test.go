package dnsprimary

import (
	"context"
	"encoding/binary"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// The DNS library recovers no panic: one in the handler ends the process.
// These tests give the handler every kind of packet a client can send.

// signedZone is the zone of packetServer whose transfers need testKey.
const signedZone = "signed.cratos."

// packetServer returns a server, not listening, with two zones built
// twice (so that an IXFR from the first serial is incremental): testZone,
// open to loopback, and signedZone, which also needs testKey.
func packetServer(tb testing.TB) *Server {
	tb.Helper()
	src := &fakeSource{text: policyZone(domainsV1, ipsV1...)}
	signed := Zone{Name: signedZone, Source: src.Source, AllowTransfer: loopback, TSIG: testKey()}
	clk := newClock()
	s, err := New(Options{Addr: "127.0.0.1:0", Zones: []Zone{newTestZone(src), signed}, Now: clk.Now})
	if err != nil {
		tb.Fatal(err)
	}
	for i, text := range []string{policyZone(domainsV1, ipsV1...), policyZone(domainsV2, "32.1.2.0.192.rpz-ip")} {
		src.set(text, nil)
		clk.Set(time.Unix(testEpoch+int64(10*i), 0))
		for _, z := range s.list {
			if err := s.refresh(context.Background(), z); err != nil {
				tb.Fatal(err)
			}
		}
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// packetSeeds returns requests of every kind the server answers, some
// signed with testKey, and a few that the library refuses.
func packetSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	var msgs []*dns.Msg
	for _, q := range []struct {
		name  string
		qtype uint16
	}{
		{testZone, dns.TypeSOA}, {testZone, dns.TypeNS}, {testZone, dns.TypeANY}, {"bad.example." + testZone, dns.TypeCNAME},
		{"x.y.bad.example." + testZone, dns.TypeA}, {"nothing.example." + testZone, dns.TypeA},
		{"32.1.2.0.192.rpz-ip." + testZone, dns.TypeCNAME}, {"other.example.", dns.TypeA}, {testZone, dns.TypeAXFR},
	} {
		msgs = append(msgs, new(dns.Msg).SetQuestion(q.name, q.qtype))
	}
	msgs = append(msgs, new(dns.Msg).SetIxfr(testZone, testEpoch, "rpz-master.example.", "hostmaster.example."),
		new(dns.Msg).SetIxfr(testZone, testEpoch+10, "rpz-master.example.", "hostmaster.example."),
		new(dns.Msg).SetNotify(testZone))
	ixfrWithoutSOA := new(dns.Msg).SetQuestion(testZone, dns.TypeIXFR)
	chaos := new(dns.Msg).SetQuestion(testZone, dns.TypeSOA)
	chaos.Question[0].Qclass = dns.ClassCHAOS
	large := new(dns.Msg).SetQuestion("bad.example."+testZone, dns.TypeANY)
	large.SetEdns0(4096, true)
	small := new(dns.Msg).SetQuestion(testZone, dns.TypeANY)
	small.SetEdns0(100, false)
	notifyAnswer := new(dns.Msg).SetNotify(testZone)
	notifyAnswer.Response = true
	msgs = append(msgs, ixfrWithoutSOA, chaos, large, small, notifyAnswer)

	var seeds [][]byte
	for _, m := range msgs {
		b, err := m.Pack()
		if err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	for _, m := range []*dns.Msg{new(dns.Msg).SetAxfr(signedZone), new(dns.Msg).SetIxfr(signedZone, testEpoch, "a.", "b."),
		new(dns.Msg).SetQuestion(signedZone, dns.TypeSOA)} {
		for _, key := range []*TSIGKey{testKey(), {Name: "unknown-key.", Secret: testSecret}} {
			m.SetTsig(dns.CanonicalName(key.Name), dns.HmacSHA256, 300, time.Now().Unix())
			b, _, err := dns.TsigGenerate(m, key.Secret, "", false)
			if err != nil {
				tb.Fatal(err)
			}
			seeds = append(seeds, b)
		}
	}
	return append(seeds, bareHeader, emptyTSIG(tb),
		[]byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0},                // the root, without type or class
		[]byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12},         // a name pointing at itself
		[]byte{0, 1, 0x28, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 1}) // an UPDATE
}

// bareHeader is a request header promising one question, without it.
var bareHeader = []byte{0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}

// emptyTSIG returns an SOA query ending in a TSIG record without data.
func emptyTSIG(tb testing.TB) []byte {
	m := new(dns.Msg).SetQuestion(testZone, dns.TypeSOA)
	m.Id = 0x1234
	b, err := m.Pack()
	if err != nil {
		tb.Fatal(err)
	}
	b[11] = 1 // ARCOUNT
	return append(b, 0, 0, 0xfa, 0, 0xff, 0, 0, 0, 0, 0, 0)
}

// servePacket does with packet what the DNS library does with one that
// arrives over UDP or TCP from from: over UDP the server's check for
// answers to its NOTIFYs, then the accept function, unpacking, the TSIG
// check, then the handler. It returns what the handler wrote, and whether
// the handler was called.
func servePacket(s *Server, packet []byte, tcp bool, from netip.Addr) (*packetWriter, bool) {
	if len(packet) < 12 {
		return nil, false
	}
	if !tcp && s.notifies.take(packet, net.UDPAddrFromAddrPort(netip.AddrPortFrom(from, 53))) {
		return nil, false
	}
	be := binary.BigEndian
	h := dns.Header{Id: be.Uint16(packet), Bits: be.Uint16(packet[2:]), Qdcount: be.Uint16(packet[4:]),
		Ancount: be.Uint16(packet[6:]), Nscount: be.Uint16(packet[8:]), Arcount: be.Uint16(packet[10:])}
	if dns.DefaultMsgAcceptFunc(h) != dns.MsgAccept {
		return nil, false
	}
	r := new(dns.Msg)
	if r.Unpack(packet) != nil {
		return nil, false
	}
	w := &packetWriter{keys: s.keys, tcp: tcp, from: from}
	if t := r.IsTsig(); t != nil {
		// The check writes the original id into the packet it is given.
		w.status, w.requestMAC = dns.TsigVerifyWithProvider(slices.Clone(packet), s.keys, "", false), t.MAC
	}
	handler{s}.ServeDNS(w, r)
	return w, true
}

// FuzzServeDNS gives the handler any packet: it must not panic, and what
// it writes must be DNS messages that the client can read, a UDP one no
// larger than the client allows.
func FuzzServeDNS(f *testing.F) {
	s := packetServer(f)
	for _, seed := range packetSeeds(f) {
		f.Add(seed, false, false)
		f.Add(seed, true, false)
	}
	f.Fuzz(func(t *testing.T, packet []byte, tcp, foreign bool) {
		from := netip.MustParseAddr("127.0.0.1")
		if foreign {
			from = netip.MustParseAddr("192.0.2.1")
		}
		w, served := servePacket(s, packet, tcp, from)
		if !served {
			return
		}
		limit := dns.MaxMsgSize
		if !tcp {
			limit = dns.MinMsgSize
			if r := new(dns.Msg); r.Unpack(packet) == nil && r.IsEdns0() != nil {
				limit = max(dns.MinMsgSize, min(int(r.IsEdns0().UDPSize()), ednsUDPSize))
			}
		}
		for _, b := range w.sent {
			if err := new(dns.Msg).Unpack(b); err != nil {
				t.Fatalf("answer does not unpack: %v\n% x", err, b)
			}
			if len(b) > limit {
				t.Fatalf("answer of %d octets, more than the %d allowed", len(b), limit)
			}
		}
	})
}

// A request that cannot be read as one is answered FORMERR, unsigned.
func TestUnreadableRequests(t *testing.T) {
	s := packetServer(t)
	for _, tc := range []struct {
		name   string
		packet []byte
	}{
		{"a header without its question", bareHeader},
		{"a TSIG record without data", emptyTSIG(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, tcp := range []bool{false, true} {
				w, served := servePacket(s, tc.packet, tcp, netip.MustParseAddr("127.0.0.1"))
				if !served || len(w.sent) != 1 {
					t.Fatalf("tcp %v: served %v, %d answers", tcp, served, len(w.sent))
				}
				m := new(dns.Msg)
				if err := m.Unpack(w.sent[0]); err != nil {
					t.Fatal(err)
				}
				if m.Id != 0x1234 || !m.Response || m.Rcode != dns.RcodeFormatError || m.IsTsig() != nil {
					t.Errorf("tcp %v: answer %v", tcp, m)
				}
			}
		})
	}
}

// Every kind of packet, sent over UDP and TCP to a listening server, leaves
// it answering.
func TestPacketsLeaveTheServerAnswering(t *testing.T) {
	src := &fakeSource{text: policyZone(domainsV1, ipsV1...)}
	s := startServer(t, newClock().Now, newTestZone(src))
	udp, err := net.Dial("udp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	seeds := packetSeeds(t)
	// Over TCP: each packet framed, then frames of no message and of a
	// length that never arrives, each on a connection of its own from an
	// address of its own (the server may not have seen the last one
	// close yet: one address may hold only tcpConnPerAddr).
	var frames [][]byte
	for _, p := range seeds {
		if _, err := udp.Write(p); err != nil {
			t.Fatal(err)
		}
		frames = append(frames, append(binary.BigEndian.AppendUint16(nil, uint16(len(p))), p...))
	}
	frames = append(frames, []byte{0, 0}, []byte{0xff, 0xff, 0, 1, 0}, []byte{0})
	for i, frame := range frames {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(1+i))}, Timeout: 10 * time.Second}
		tcp, err := d.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tcp.Write(frame); err != nil {
			t.Fatal(err)
		}
		_ = tcp.Close()
	}
	for _, network := range []string{"udp", "tcp"} {
		if r := query(t, s.Addr(), network, testZone, dns.TypeSOA); r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 {
			t.Errorf("SOA over %s after %d odd packets: %v", network, len(seeds), r)
		}
	}
}

// packetWriter is a dns.ResponseWriter that keeps what is written, signed
// as the library signs it.
type packetWriter struct {
	keys       dns.TsigProvider
	tcp        bool
	from       netip.Addr
	status     error
	requestMAC string
	timersOnly bool
	sent       [][]byte
}

func (w *packetWriter) LocalAddr() net.Addr {
	return &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 53}
}

func (w *packetWriter) RemoteAddr() net.Addr {
	if w.tcp {
		return net.TCPAddrFromAddrPort(netip.AddrPortFrom(w.from, 40000))
	}
	return net.UDPAddrFromAddrPort(netip.AddrPortFrom(w.from, 40000))
}

func (w *packetWriter) WriteMsg(m *dns.Msg) error {
	var b []byte
	var err error
	if m.IsTsig() != nil {
		b, w.requestMAC, err = dns.TsigGenerateWithProvider(m, w.keys, w.requestMAC, w.timersOnly)
	} else {
		b, err = m.Pack()
	}
	if err != nil {
		return err
	}
	w.sent = append(w.sent, b)
	return nil
}

func (w *packetWriter) Write(b []byte) (int, error) {
	w.sent = append(w.sent, append([]byte(nil), b...))
	return len(b), nil
}

func (w *packetWriter) Close() error          { return nil }
func (w *packetWriter) TsigStatus() error     { return w.status }
func (w *packetWriter) TsigTimersOnly(b bool) { w.timersOnly = b }
func (w *packetWriter) Hijack()               {}

var _ dns.ResponseWriter = (*packetWriter)(nil)

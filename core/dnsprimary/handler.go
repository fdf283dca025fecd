package dnsprimary

import (
	"iter"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"
)

const (
	qrBit       = 1 << 15 // QR in dns.Header.Bits
	tsigFudge   = 300     // seconds
	ednsUDPSize = 1232    // the UDP payload size we advertise and honour at most
)

// acceptMsg lets NOTIFY responses through to the handler (they answer our
// own NOTIFYs) and applies the library's checks to everything else.
func acceptMsg(h dns.Header) dns.MsgAcceptAction {
	if h.Bits&qrBit != 0 {
		if int(h.Bits>>11)&0xF == dns.OpcodeNotify {
			return dns.MsgAccept
		}
		return dns.MsgIgnore
	}
	return dns.DefaultMsgAcceptFunc(h)
}

// handler answers DNS requests for the server's zones.
type handler struct{ s *Server }

func (h handler) ServeDNS(w dns.ResponseWriter, r *dns.Msg) {
	s := h.s
	remote, tcp := peer(w.RemoteAddr())
	if r.Response {
		s.notifies.deliver(r, remote)
		return
	}
	if t := r.IsTsig(); t != nil {
		if err := w.TsigStatus(); err != nil {
			s.log.Warn("request with a bad TSIG", "client", remote.String(), "key", t.Hdr.Name, "err", err)
			s.tsigFailure(w, r, t, err)
			return
		}
	}
	q := r.Question[0]
	if r.Opcode != dns.OpcodeQuery {
		s.reply(w, r, refused(r), tcp)
		return
	}
	z := s.findZone(q.Name)
	if z == nil || (q.Qclass != dns.ClassINET && q.Qclass != dns.ClassANY) {
		s.reply(w, r, refused(r), tcp)
		return
	}
	snap := z.snap.Load()
	if snap == nil {
		m := new(dns.Msg).SetRcode(r, dns.RcodeServerFailure)
		s.reply(w, r, m, tcp)
		return
	}
	switch q.Qtype {
	case dns.TypeAXFR, dns.TypeIXFR:
		s.transfer(w, r, z, snap, remote, tcp)
	default:
		if !z.queryAllowed(remote.Addr()) {
			s.reply(w, r, refused(r), tcp)
			return
		}
		s.reply(w, r, answer(r, snap), tcp)
	}
}

// queryAllowed checks an ordinary query's client against AllowQuery, or
// AllowTransfer when AllowQuery is empty.
func (z *zoneState) queryAllowed(a netip.Addr) bool {
	acl := z.cfg.AllowQuery
	if len(acl) == 0 {
		acl = z.cfg.AllowTransfer
	}
	for _, p := range acl {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peer returns the client address and whether it came over TCP.
func peer(a net.Addr) (netip.AddrPort, bool) {
	switch a := a.(type) {
	case *net.TCPAddr:
		ap := a.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), true
	case *net.UDPAddr:
		ap := a.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), false
	}
	return netip.AddrPort{}, false
}

func refused(r *dns.Msg) *dns.Msg { return new(dns.Msg).SetRcode(r, dns.RcodeRefused) }

// findZone returns the zone holding name, the deepest one when zones nest.
func (s *Server) findZone(name string) *zoneState {
	for n := dns.CanonicalName(name); n != ""; n = parent(n) {
		if z := s.zones[n]; z != nil {
			return z
		}
	}
	return nil
}

// answer builds the authoritative answer to an ordinary query.
func answer(r *dns.Msg, snap *snapshot) *dns.Msg {
	q := r.Question[0]
	m := new(dns.Msg).SetReply(r)
	m.Authoritative = true
	name := strings.ToLower(q.Name)
	apex := snap.soa.Hdr.Name
	n, ok := snap.names[name]
	synth := false
	if !ok {
		// RFC 4592: a wildcard at the closest encloser answers for the
		// name; otherwise the name does not exist.
		ce := parent(name)
		for ; len(ce) > len(apex); ce = parent(ce) {
			if _, ok := snap.names[ce]; ok {
				break
			}
		}
		if n, ok = snap.names["*."+ce]; !ok {
			m.Rcode = dns.RcodeNameError
			m.Ns = []dns.RR{negativeSOA(snap.soa)}
			return m
		}
		synth = true
	}
	var rrs []dns.RR
	if name == apex && (q.Qtype == dns.TypeSOA || q.Qtype == dns.TypeANY) {
		rrs = append(rrs, snap.soa)
	}
	var cname dns.RR
	for _, rr := range n.rrs {
		t := rr.Header().Rrtype
		if q.Qtype == dns.TypeANY || t == q.Qtype {
			rrs = append(rrs, rr)
		}
		if t == dns.TypeCNAME {
			cname = rr
		}
	}
	if len(rrs) == 0 && cname != nil {
		rrs = []dns.RR{cname}
	}
	if len(rrs) == 0 {
		m.Ns = []dns.RR{negativeSOA(snap.soa)}
		return m
	}
	if synth {
		for i, rr := range rrs {
			c := dns.Copy(rr)
			c.Header().Name = q.Name
			rrs[i] = c
		}
	}
	m.Answer = rrs
	return m
}

// negativeSOA is the SOA of a negative answer: its TTL is the lesser of
// the SOA's TTL and its minimum (RFC 2308).
func negativeSOA(soa *dns.SOA) dns.RR {
	c := dns.Copy(soa).(*dns.SOA)
	c.Hdr.Ttl = min(c.Hdr.Ttl, c.Minttl)
	return c
}

// reply sends a single-message answer: with an OPT record when the request
// had one, truncated to the client's UDP size, and signed when the request
// was signed.
func (s *Server) reply(w dns.ResponseWriter, r, m *dns.Msg, tcp bool) {
	size := dns.MaxMsgSize
	if !tcp {
		size = dns.MinMsgSize
	}
	if opt := r.IsEdns0(); opt != nil {
		m.SetEdns0(ednsUDPSize, false)
		if !tcp {
			size = max(dns.MinMsgSize, min(int(opt.UDPSize()), ednsUDPSize))
		}
	}
	t := r.IsTsig()
	if t != nil {
		// Room for the TSIG record, whose MAC is at most 64 octets.
		size -= len(t.Hdr.Name) + len(t.Algorithm) + 2 + 10 + 16 + 64 + 6
	}
	if tcp {
		m.Compress = true
	} else {
		m.Truncate(size) // before the TSIG is added: Truncate skips signed messages
	}
	if t != nil {
		m.SetTsig(t.Hdr.Name, t.Algorithm, tsigFudge, time.Now().Unix())
	}
	if err := w.WriteMsg(m); err != nil {
		s.log.Debug("write answer", "err", err)
	}
}

// transferAllowed checks the client address against AllowTransfer and,
// when the zone has a key, that the request was signed with it (a bad
// signature was already answered). It returns a reason when refused.
func (z *zoneState) transferAllowed(r *dns.Msg, remote netip.AddrPort) string {
	allowed := false
	for _, p := range z.cfg.AllowTransfer {
		if p.Contains(remote.Addr()) {
			allowed = true
			break
		}
	}
	if !allowed {
		return "client address not in AllowTransfer"
	}
	if k := z.cfg.key; k != nil {
		t := r.IsTsig()
		if t == nil {
			return "request not signed"
		}
		if dns.CanonicalName(t.Hdr.Name) != k.name {
			return "request signed with another key"
		}
	}
	return ""
}

// transfer answers AXFR (RFC 5936) and IXFR (RFC 1995).
func (s *Server) transfer(w dns.ResponseWriter, r *dns.Msg, z *zoneState, snap *snapshot, remote netip.AddrPort, tcp bool) {
	q := r.Question[0]
	origin := z.cfg.origin
	kind := dns.TypeToString[q.Qtype]
	if reason := z.transferAllowed(r, remote); reason != "" {
		s.log.Warn("zone transfer refused", "zone", origin, "type", kind, "client", remote.String(), "reason", reason)
		s.reply(w, r, refused(r), tcp)
		return
	}
	if !strings.EqualFold(q.Name, origin) {
		s.reply(w, r, new(dns.Msg).SetRcode(r, dns.RcodeNotAuth), tcp)
		return
	}
	var clientSerial uint32
	if q.Qtype == dns.TypeIXFR {
		soa, ok := firstSOA(r.Ns)
		if !ok {
			s.reply(w, r, new(dns.Msg).SetRcode(r, dns.RcodeFormatError), tcp)
			return
		}
		clientSerial = soa.Serial
	}
	if !tcp {
		if q.Qtype == dns.TypeAXFR {
			// AXFR is defined over TCP only (RFC 5936 section 4.2).
			s.reply(w, r, new(dns.Msg).SetRcode(r, dns.RcodeFormatError), tcp)
			return
		}
		// An IXFR over UDP gets the current SOA, which tells the client
		// to retry over TCP when it is behind (RFC 1995 section 2).
		m := new(dns.Msg).SetReply(r)
		m.Authoritative = true
		m.Answer = []dns.RR{snap.soa}
		s.reply(w, r, m, tcp)
		return
	}

	start := time.Now()
	cur := snap.soa.Serial
	var (
		rrs   iter.Seq[dns.RR]
		style string
		count int
	)
	switch {
	case q.Qtype == dns.TypeIXFR && !serialLess(clientSerial, cur):
		// The client is current (or ahead): one SOA.
		rrs, style = single(snap.soa), "up-to-date"
	case q.Qtype == dns.TypeIXFR:
		if deltas, ok := snap.changesSince(clientSerial); ok {
			rrs, style = incremental(snap.soa, deltas), "incremental"
			for _, d := range deltas {
				count += len(d.removed) + len(d.added)
			}
			break
		}
		rrs, style, count = full(snap), "full", len(snap.records)
	default:
		rrs, style, count = full(snap), "full", len(snap.records)
	}
	msgs, err := s.writeTransfer(w, r, rrs)
	attrs := []any{"zone", origin, "type", kind, "style", style, "client", remote.String(), "serial", cur,
		"records", count, "messages", msgs, "ms", float64(time.Since(start).Microseconds()) / 1000}
	if q.Qtype == dns.TypeIXFR {
		attrs = append(attrs, "client_serial", clientSerial)
	}
	if err != nil {
		s.log.Warn("zone transfer failed", append(attrs, "err", err)...)
		return
	}
	s.log.Info("zone transfer", attrs...)
}

func firstSOA(rrs []dns.RR) (*dns.SOA, bool) {
	if len(rrs) == 0 {
		return nil, false
	}
	soa, ok := rrs[0].(*dns.SOA)
	return soa, ok
}

func single(soa *dns.SOA) iter.Seq[dns.RR] {
	return func(yield func(dns.RR) bool) { yield(soa) }
}

// full yields the AXFR form: SOA, every record, SOA.
func full(snap *snapshot) iter.Seq[dns.RR] {
	return func(yield func(dns.RR) bool) {
		if !yield(snap.soa) {
			return
		}
		for _, r := range snap.records {
			if !yield(r.rr) {
				return
			}
		}
		yield(snap.soa)
	}
}

// incremental yields the IXFR form: the current SOA, then per change the
// old SOA, the removed records, the new SOA and the added records, then
// the current SOA again.
func incremental(soa *dns.SOA, deltas []*delta) iter.Seq[dns.RR] {
	return func(yield func(dns.RR) bool) {
		if !yield(soa) {
			return
		}
		for _, d := range deltas {
			if !yield(d.from) {
				return
			}
			for _, rr := range d.removed {
				if !yield(rr) {
					return
				}
			}
			if !yield(d.to) {
				return
			}
			for _, rr := range d.added {
				if !yield(rr) {
					return
				}
			}
		}
		yield(soa)
	}
}

// writeTransfer sends rrs as a sequence of compressed messages of at most
// xfrMessageBudget octets of records each, every one signed when the
// request was (the later ones with TSIG timers only, RFC 8945 section
// 5.3.1). It stops when the server closes.
func (s *Server) writeTransfer(w dns.ResponseWriter, r *dns.Msg, rrs iter.Seq[dns.RR]) (int, error) {
	t := r.IsTsig()
	batch := make([]dns.RR, 0, 256)
	size, msgs := 0, 0
	flush := func() error {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		m := new(dns.Msg).SetReply(r)
		m.Authoritative = true
		m.Compress = true
		m.Answer = batch
		if t != nil {
			m.SetTsig(t.Hdr.Name, t.Algorithm, tsigFudge, time.Now().Unix())
		}
		err := w.WriteMsg(m)
		w.TsigTimersOnly(true)
		msgs++
		batch, size = batch[:0], 0
		return err
	}
	for rr := range rrs {
		l := dns.Len(rr)
		if len(batch) > 0 && size+l > xfrMessageBudget {
			if err := flush(); err != nil {
				return msgs, err
			}
		}
		batch = append(batch, rr)
		size += l
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return msgs, err
		}
	}
	return msgs, nil
}

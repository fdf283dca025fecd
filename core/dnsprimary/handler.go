package dnsprimary

import (
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"
)

const (
	tsigFudge   = 300  // seconds
	ednsUDPSize = 1232 // the UDP payload size we advertise and honour at most
)

// handler answers DNS requests for the server's zones.
type handler struct{ s *Server }

func (h handler) ServeDNS(w dns.ResponseWriter, r *dns.Msg) {
	s := h.s
	remote, tcp := peer(w.RemoteAddr())
	t := r.IsTsig()
	if len(r.Question) != 1 || t != nil && (t.Algorithm == "" || t.Hdr.Class != dns.ClassANY) || misplacedTSIG(r) {
		// The library lets through a bare header, whatever question count
		// it claims, a TSIG record without data or of a class other than
		// ANY (RFC 8945 section 4.2; BIND answers FORMERR), and one that
		// is not the last record, which it reads as an unsigned request.
		formatError(w, r)
		return
	}
	if t != nil {
		if err := w.TsigStatus(); err != nil {
			err = requestTSIGError(err, t, time.Now())
			s.log.Warn("request with a bad TSIG", "client", remote.String(), "key", t.Hdr.Name, "err", err)
			if q := r.Question[0]; q.Qtype == dns.TypeAXFR || q.Qtype == dns.TypeIXFR {
				// Counted against the zone named only, not one above.
				if z := s.zones[dns.CanonicalName(q.Name)]; z != nil {
					z.stats.refused.Add(1)
				}
			}
			if err == errMACSize {
				formatError(w, r) // RFC 8945 section 5.2.2.1
				return
			}
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
	switch q.Qtype {
	case dns.TypeAXFR, dns.TypeIXFR:
		s.transfer(w, r, z, remote, tcp)
	default:
		// The client is checked before the zone's content: one not
		// allowed learns nothing of it, not even that it is empty.
		if !z.queryAllowed(q, remote.Addr()) {
			s.reply(w, r, refused(r), tcp)
			return
		}
		snap := z.snap.Load()
		if snap == nil {
			s.reply(w, r, serverFailure(r), tcp)
			return
		}
		s.reply(w, r, answer(r, snap), tcp)
	}
}

// misplacedTSIG reports whether r has a TSIG record other than the last
// of its additional section: RFC 8945 section 5.2 answers FORMERR.
func misplacedTSIG(r *dns.Msg) bool {
	for _, rrs := range [][]dns.RR{r.Answer, r.Ns, r.Extra[:max(len(r.Extra)-1, 0)]} {
		for _, rr := range rrs {
			if rr.Header().Rrtype == dns.TypeTSIG {
				return true
			}
		}
	}
	return false
}

// queryAllowed checks an ordinary query's client against AllowQuery, or
// AllowTransfer when AllowQuery is empty. The apex SOA is answered to
// AllowTransfer as well: a secondary asks for it before every transfer.
func (z *zoneState) queryAllowed(q dns.Question, a netip.Addr) bool {
	if q.Qtype == dns.TypeSOA && strings.EqualFold(q.Name, z.cfg.origin) && contains(z.cfg.AllowTransfer, a) {
		return true
	}
	acl := z.cfg.AllowQuery
	if len(acl) == 0 {
		acl = z.cfg.AllowTransfer
	}
	return contains(acl, a)
}

// contains reports whether a prefix of acl holds a. A link-local client
// address arrives with its zone (fe80::1%eth0), which no netip.Prefix
// contains: the zone is left out.
func contains(acl []netip.Prefix, a netip.Addr) bool {
	a = a.WithZone("")
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

// serverFailure is the answer of a zone that has no content yet: its
// first build has not ended or failed.
func serverFailure(r *dns.Msg) *dns.Msg { return new(dns.Msg).SetRcode(r, dns.RcodeServerFailure) }

// formatError answers FORMERR, unsigned: the request cannot be read as
// one (RFC 1035 section 4.1.1; RFC 8945 section 5.2 for its TSIG).
func formatError(w dns.ResponseWriter, r *dns.Msg) {
	if b, err := new(dns.Msg).SetRcode(r, dns.RcodeFormatError).Pack(); err == nil {
		if writeRaw(w, b) != nil {
			closeAfterFailedWrite(w)
		}
	}
}

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
		closeAfterFailedWrite(w)
	}
}

// closeAfterFailedWrite closes a TCP connection on which a message failed
// to be written (a write past its deadline may have sent part of it): a
// later answer on it would follow a broken length prefix, and the client
// would wait out its idle timeout for the rest. Closing a UDP writer does
// nothing.
func closeAfterFailedWrite(w dns.ResponseWriter) { _ = w.Close() }

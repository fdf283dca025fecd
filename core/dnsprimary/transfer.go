package dnsprimary

import (
	"iter"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// transferAllowed checks the client address against AllowTransfer and,
// when the zone has a key, that the request was signed with it (a bad
// signature was already answered). It returns a reason when refused.
func (z *zoneState) transferAllowed(r *dns.Msg, remote netip.AddrPort) string {
	if !contains(z.cfg.AllowTransfer, remote.Addr()) {
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
// The client is checked before the zone's content: one refused learns
// nothing of it, not even that it is empty.
func (s *Server) transfer(w dns.ResponseWriter, r *dns.Msg, z *zoneState, remote netip.AddrPort, tcp bool) {
	q := r.Question[0]
	origin := z.cfg.origin
	kind := dns.TypeToString[q.Qtype]
	if reason := z.transferAllowed(r, remote); reason != "" {
		s.log.Warn("zone transfer refused", "zone", origin, "type", kind, "client", remote.String(), "reason", reason)
		if dns.CanonicalName(q.Name) == origin { // not a name below the zone
			z.stats.refused.Add(1)
		}
		s.reply(w, r, refused(r), tcp)
		return
	}
	if !strings.EqualFold(q.Name, origin) {
		s.reply(w, r, new(dns.Msg).SetRcode(r, dns.RcodeNotAuth), tcp)
		return
	}
	snap := z.snap.Load()
	if snap == nil {
		s.reply(w, r, serverFailure(r), tcp)
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
		// to retry over TCP when it is behind (RFC 1995 section 2), and
		// is the whole answer when it is up to date.
		if clientSerial == snap.soa.Serial {
			z.stats.transferred(TransferIXFR)
		}
		m := new(dns.Msg).SetReply(r)
		m.Authoritative = true
		m.Answer = []dns.RR{snap.soa}
		s.reply(w, r, m, tcp)
		return
	}

	passed := false
	if q.Qtype == dns.TypeIXFR && notBehind(clientSerial, snap.soa.Serial) {
		// Over TCP only: a UDP source address may be forged.
		snap, passed = s.passSerial(z, clientSerial, remote)
	}
	start := time.Now()
	cur := snap.soa.Serial
	var (
		rrs   iter.Seq[dns.RR]
		style string
		count int
	)
	switch {
	case passed:
		// The client's serial is from another history than the journal.
		rrs, style, count = full(snap), "full", len(snap.records)
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
		if s.ctx.Err() == nil { // the client left, not Close
			z.stats.transfersCut.Add(1)
		}
		closeAfterFailedWrite(w) // the client would wait for the rest
		return
	}
	s.log.Info("zone transfer", attrs...)
	switch {
	case q.Qtype == dns.TypeAXFR:
		z.stats.transferred(TransferAXFR)
	case style == "full":
		z.stats.transferred(TransferIXFRFallback)
	default:
		z.stats.transferred(TransferIXFR)
	}
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

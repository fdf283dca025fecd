package dnsprimary

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/miekg/dns"
)

// unsignedTSIGError packs the NOTAUTH answer to a request whose TSIG
// failed with BADSIG or BADKEY: a TSIG record without MAC (RFC 8945
// section 5.3.2) whose time signed is now, as BIND sends it. The DNS
// library's signer writes 0 there, which dig and BIND report as
// "clocks are unsynchronized" instead of a wrong key.
func unsignedTSIGError(r *dns.Msg, t *dns.TSIG, code uint16, now time.Time) ([]byte, error) {
	m := new(dns.Msg).SetRcode(r, dns.RcodeNotAuth)
	buf, err := m.Pack()
	if err != nil {
		return nil, err
	}
	rr := &dns.TSIG{
		Hdr:        dns.RR_Header{Name: t.Hdr.Name, Rrtype: dns.TypeTSIG, Class: dns.ClassANY},
		Algorithm:  t.Algorithm,
		TimeSigned: uint64(now.Unix()),
		Fudge:      tsigFudge,
		OrigId:     t.OrigId,
		Error:      code,
	}
	tbuf := make([]byte, dns.Len(rr))
	off, err := dns.PackRR(rr, tbuf, 0, nil, false)
	if err != nil {
		return nil, err
	}
	buf = append(buf, tbuf[:off]...)
	binary.BigEndian.PutUint16(buf[10:], uint16(len(m.Extra)+1))
	return buf, nil
}

// writeRaw sends a packed message without the library signing it.
func writeRaw(w dns.ResponseWriter, b []byte) error {
	_, err := w.Write(b)
	return err
}

// tsigFailure answers a request whose TSIG did not verify: NOTAUTH with
// the TSIG error set; BADKEY and BADSIG answers go unsigned (RFC 8945
// section 5.2).
func (s *Server) tsigFailure(w dns.ResponseWriter, r *dns.Msg, t *dns.TSIG, err error) {
	code := tsigErrorCode(err)
	if code == dns.RcodeBadSig || code == dns.RcodeBadKey {
		// Unsigned, but with the current time: the DNS library would
		// zero it, and a secondary reads a zero time as a clock problem.
		b, perr := unsignedTSIGError(r, t, code, time.Now())
		if perr == nil {
			perr = writeRaw(w, b)
		}
		if perr != nil {
			s.log.Debug("write TSIG error answer", "err", perr)
			closeAfterFailedWrite(w)
		}
		return
	}
	m := new(dns.Msg).SetRcode(r, dns.RcodeNotAuth)
	if code == dns.RcodeBadTime {
		badTime(m, t, time.Now())
	} else {
		m.SetTsig(t.Hdr.Name, t.Algorithm, tsigFudge, time.Now().Unix())
		m.Extra[len(m.Extra)-1].(*dns.TSIG).Error = code
	}
	if werr := w.WriteMsg(m); werr != nil {
		s.log.Debug("write TSIG error answer", "err", werr)
		closeAfterFailedWrite(w)
	}
}

// badTime adds to m the TSIG of a BADTIME answer to a request signed with
// t (RFC 8945 section 5.2.3): the request's Time Signed and fudge, so
// that the client's own time check passes and the error is read, and the
// server's time now in Other Data, 48 bits, so that the client can see
// its skew, as BIND does. Signed with the server's time instead, the
// answer would fail the client's own time check.
func badTime(m *dns.Msg, t *dns.TSIG, now time.Time) {
	m.SetTsig(t.Hdr.Name, t.Algorithm, t.Fudge, int64(t.TimeSigned))
	rr := m.Extra[len(m.Extra)-1].(*dns.TSIG)
	rr.Error = dns.RcodeBadTime
	rr.OtherLen = 6
	rr.OtherData = fmt.Sprintf("%012x", uint64(now.Unix())&(1<<48-1))
}

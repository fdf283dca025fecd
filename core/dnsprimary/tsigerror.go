package dnsprimary

import (
	"encoding/binary"
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
	m.SetTsig(t.Hdr.Name, t.Algorithm, tsigFudge, time.Now().Unix())
	m.Extra[len(m.Extra)-1].(*dns.TSIG).Error = code
	if werr := w.WriteMsg(m); werr != nil {
		s.log.Debug("write TSIG error answer", "err", werr)
		closeAfterFailedWrite(w)
	}
}

package dnsprimary

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/miekg/dns"
)

// verifyAnswerTSIG checks the TSIG of packet, the answer to a request
// whose MAC was requestMAC (RFC 8945 section 4.3), and its time. Unlike
// the DNS library's check, which refuses every answer NOTAUTH, it
// verifies a signed NOTAUTH: a secondary's answer for a zone it does not
// serve, or its BADTIME, which section 5.2.3 has it sign.
func verifyAnswerTSIG(packet []byte, kr keyring, requestMAC string, now time.Time) error {
	tsigOff, t, err := findTSIG(packet)
	if err != nil {
		return err
	}
	reqMAC, err := hex.DecodeString(requestMAC)
	if err != nil {
		return err
	}
	var buf []byte
	if len(reqMAC) > 0 {
		buf = binary.BigEndian.AppendUint16(buf, uint16(len(reqMAC)))
		buf = append(buf, reqMAC...)
	}
	h := len(buf)
	buf = append(buf, packet[:tsigOff]...)
	binary.BigEndian.PutUint16(buf[h:], t.OrigId)
	binary.BigEndian.PutUint16(buf[h+10:], binary.BigEndian.Uint16(buf[h+10:])-1)
	if buf, err = appendTSIGVariables(buf, t); err != nil {
		return err
	}
	if err := kr.Verify(buf, t); err != nil {
		return err
	}
	if !withinFudge(t, now) {
		return dns.ErrTime
	}
	return nil
}

// findTSIG returns the offset of packet's TSIG record, the last of its
// additional section, and the record.
func findTSIG(packet []byte) (int, *dns.TSIG, error) {
	if len(packet) < 12 {
		return 0, nil, errors.New("short answer")
	}
	qd := int(binary.BigEndian.Uint16(packet[4:]))
	rrs := 0
	for i := 6; i < 12; i += 2 {
		rrs += int(binary.BigEndian.Uint16(packet[i:]))
	}
	if rrs == 0 {
		return 0, nil, dns.ErrNoSig
	}
	off := 12
	var err error
	for range qd {
		if _, off, err = dns.UnpackDomainName(packet, off); err != nil {
			return 0, nil, err
		}
		off += 4 // type, class
	}
	for range rrs - 1 {
		if _, off, err = dns.UnpackRR(packet, off); err != nil {
			return 0, nil, err
		}
	}
	rr, end, err := dns.UnpackRR(packet, off)
	if err != nil {
		return 0, nil, err
	}
	t, ok := rr.(*dns.TSIG)
	if !ok || end != len(packet) {
		return 0, nil, dns.ErrNoSig
	}
	return off, t, nil
}

// appendTSIGVariables appends the TSIG variables of t that its MAC covers
// (RFC 8945 section 4.3.3) to buf.
func appendTSIGVariables(buf []byte, t *dns.TSIG) ([]byte, error) {
	other, err := hex.DecodeString(t.OtherData)
	if err != nil {
		return nil, err
	}
	for _, name := range []string{t.Hdr.Name, t.Algorithm} {
		b := make([]byte, 256)
		n, err := dns.PackDomainName(dns.CanonicalName(name), b, 0, nil, false)
		if err != nil {
			return nil, err
		}
		buf = append(buf, b[:n]...)
		if name == t.Hdr.Name {
			buf = binary.BigEndian.AppendUint16(buf, dns.ClassANY)
			buf = binary.BigEndian.AppendUint32(buf, t.Hdr.Ttl)
		}
	}
	buf = binary.BigEndian.AppendUint16(buf, uint16(t.TimeSigned>>32))
	buf = binary.BigEndian.AppendUint32(buf, uint32(t.TimeSigned))
	buf = binary.BigEndian.AppendUint16(buf, t.Fudge)
	buf = binary.BigEndian.AppendUint16(buf, t.Error)
	buf = binary.BigEndian.AppendUint16(buf, uint16(len(other)))
	return append(buf, other...), nil
}

// unsignedTSIGErrorAnswer describes an answer whose TSIG carries no MAC:
// an error BADSIG or BADKEY, which RFC 8945 section 5.3.2 sends unsigned.
func unsignedTSIGErrorAnswer(m *dns.Msg, t *dns.TSIG) error {
	return fmt.Errorf("%s answer unsigned, TSIG error %s", rcodeText(m.Rcode), rcodeText(int(t.Error)))
}

// answerText names m's rcode, and its TSIG error when it has one.
func answerText(m *dns.Msg) string {
	if t := m.IsTsig(); t != nil && t.Error != dns.RcodeSuccess {
		return rcodeText(m.Rcode) + ", TSIG error " + rcodeText(int(t.Error))
	}
	return rcodeText(m.Rcode)
}

package dnsprimary

import (
	"net"
	"testing"

	"github.com/miekg/dns"
)

// FuzzNotifyAnswer gives the NOTIFY answer path any UDP packet from the
// secondary's address: it never panics, hands the library every packet
// that is not a NOTIFY response, and, for a NOTIFY signed with the
// zone's key, accepts only an answer carrying that key's TSIG.
func FuzzNotifyAnswer(f *testing.F) {
	key, err := (&TSIGKey{Name: testKeyName, Secret: testSecret}).validate()
	if err != nil {
		f.Fatal(err)
	}
	kr := keyring{key.name: key}
	req := new(dns.Msg).SetNotify("example.org.")
	req.Answer = []dns.RR{&dns.SOA{Hdr: dns.RR_Header{Name: "example.org.", Rrtype: dns.TypeSOA, Class: dns.ClassINET}, Ns: "ns.example.org.", Mbox: "h.example.org.", Serial: 7}}
	packed, mac, err := packNotify(req, key, kr)
	if err != nil {
		f.Fatal(err)
	}
	if err := req.Unpack(packed); err != nil {
		f.Fatal(err)
	}
	signed := new(dns.Msg).SetReply(req)
	signed.SetTsig(key.name, key.algorithm, tsigFudge, int64(req.IsTsig().TimeSigned))
	answer, _, err := dns.TsigGenerateWithProvider(signed, kr, mac, false)
	if err != nil {
		f.Fatal(err)
	}
	if m := new(dns.Msg); m.Unpack(answer) != nil || checkNotifyAnswer(notifyAnswer{msg: m, packet: answer}, key, kr, mac) != nil {
		f.Fatal("the signed answer seed is not accepted")
	}
	unsigned, err := new(dns.Msg).SetReply(req).Pack()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(answer)
	f.Add(unsigned)
	f.Add(packed)
	from := &net.UDPAddr{IP: net.IPv4(192, 0, 2, 53), Port: 53}
	remote, _ := peer(from)
	f.Fuzz(func(t *testing.T, packet []byte) {
		nw := &notifyWaiters{pending: map[notifyKey]chan notifyAnswer{}}
		var id uint16
		if len(packet) >= 2 {
			id = uint16(packet[0])<<8 | uint16(packet[1])
		}
		ch, _ := nw.expect(notifyKey{id: id, from: remote})
		taken := nw.take(packet, from)
		if taken && (len(packet) < 12 || packet[2]&0x80 == 0) {
			t.Fatal("a packet that is no response was kept from the library")
		}
		select {
		case a := <-ch:
			if checkNotifyAnswer(a, nil, kr, "") != nil {
				t.Fatal("an answer to an unsigned NOTIFY was refused")
			}
			if checkNotifyAnswer(a, key, kr, mac) == nil {
				if tsig := a.msg.IsTsig(); tsig == nil || dns.CanonicalName(tsig.Hdr.Name) != key.name {
					t.Fatalf("an answer without the key's TSIG was accepted: %v", a.msg)
				}
			}
		default:
		}
	})
}

package dnsprimary

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/miekg/dns"
)

// notifyTCP sends the NOTIFY for soa to target once over TCP, from the
// address of local (the server's UDP socket), and reads its answer, all
// within wait. The answer is checked as one over UDP is: it must match
// the NOTIFY, and be signed with the zone's key over the NOTIFY's MAC
// when the zone has one.
func (s *Server) notifyTCP(ctx context.Context, local net.Addr, z *zoneState, target string, soa *dns.SOA, wait time.Duration) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	to, err := resolveTarget(ctx, target, local)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	if ua, ok := local.(*net.UDPAddr); ok && !ua.IP.IsUnspecified() {
		d.LocalAddr = &net.TCPAddr{IP: ua.IP, Zone: ua.Zone}
	}
	conn, err := d.DialContext(ctx, "tcp", to.String())
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()

	m := new(dns.Msg).SetNotify(z.cfg.origin)
	m.Answer = []dns.RR{soa}
	buf, mac, err := packNotify(m, z.cfg.key, s.keys)
	if err != nil {
		return nil, fmt.Errorf("pack notify: %w", err)
	}
	if _, err := conn.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(buf))), buf...)); err != nil {
		return nil, fmt.Errorf("send notify: %w", err)
	}
	var length [2]byte
	if _, err := io.ReadFull(conn, length[:]); err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	packet := make([]byte, binary.BigEndian.Uint16(length[:]))
	if _, err := io.ReadFull(conn, packet); err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	answer := new(dns.Msg)
	if err := answer.Unpack(packet); err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	if !answer.Response || answer.Id != m.Id || answer.Opcode != dns.OpcodeNotify {
		return nil, errors.New("answer does not match the NOTIFY")
	}
	if err := checkNotifyAnswer(notifyAnswer{msg: answer, packet: packet}, z.cfg.key, s.keys, mac); err != nil {
		return nil, err
	}
	return answer, nil
}

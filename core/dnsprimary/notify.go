package dnsprimary

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// NOTIFY retry schedule (RFC 1996 section 3.6): the first answer wait and
// the number of attempts; the wait doubles after each unanswered attempt.
const (
	notifyFirstWait = time.Second
	notifyAttempts  = 5
)

// notifyJob is one in-flight NOTIFY sequence to one target; a newer serial
// cancels the older sequence.
type notifyJob struct {
	cancel context.CancelFunc
}

// notifyKey matches a NOTIFY response to its request.
type notifyKey struct {
	id   uint16
	from netip.AddrPort
}

// notifyAnswer is an answer to a NOTIFY with the packet it came in, which
// its TSIG is checked against.
type notifyAnswer struct {
	msg    *dns.Msg
	packet []byte
}

// notifyWaiters routes NOTIFY responses, which arrive on the server's own
// UDP socket, to the goroutine waiting for them.
type notifyWaiters struct {
	mu      sync.Mutex
	pending map[notifyKey]chan notifyAnswer
}

// expect registers a waiter; it reports false when the key is taken. The
// waiter gets every answer with its key (a forged one may come before the
// secondary's) until it is forgotten.
func (nw *notifyWaiters) expect(k notifyKey) (chan notifyAnswer, bool) {
	nw.mu.Lock()
	defer nw.mu.Unlock()
	if _, taken := nw.pending[k]; taken {
		return nil, false
	}
	ch := make(chan notifyAnswer, 4)
	nw.pending[k] = ch
	return ch, true
}

func (nw *notifyWaiters) forget(k notifyKey) {
	nw.mu.Lock()
	delete(nw.pending, k)
	nw.mu.Unlock()
}

// take hands packet, read from the UDP socket, to its waiter when it is a
// NOTIFY response, and reports whether it was one. Unexpected responses,
// and those beyond what a waiter holds, are dropped.
func (nw *notifyWaiters) take(packet []byte, from net.Addr) bool {
	if len(packet) < 12 || packet[2]&0x80 == 0 || int(packet[2]>>3)&0xF != dns.OpcodeNotify {
		return false
	}
	remote, _ := peer(from)
	m := new(dns.Msg)
	if m.Unpack(packet) != nil {
		return true
	}
	nw.mu.Lock()
	ch := nw.pending[notifyKey{id: m.Id, from: remote}]
	nw.mu.Unlock()
	if ch != nil {
		select {
		case ch <- notifyAnswer{msg: m, packet: bytes.Clone(packet)}:
		default:
		}
	}
	return true
}

// notifyReader takes the responses to the server's NOTIFYs off the UDP
// socket, with their packets: the TSIG of an answer covers the NOTIFY's
// MAC (RFC 8945 section 4.3), which the DNS library's check of a request
// leaves out. Everything else goes on to the library.
type notifyReader struct {
	dns.Reader
	nw *notifyWaiters
}

func (r notifyReader) ReadUDP(conn *net.UDPConn, timeout time.Duration) ([]byte, *dns.SessionUDP, error) {
	for {
		packet, session, err := r.Reader.ReadUDP(conn, timeout)
		if err != nil || !r.nw.take(packet, session.RemoteAddr()) {
			return packet, session, err
		}
	}
}

func (r notifyReader) ReadPacketConn(conn net.PacketConn, timeout time.Duration) ([]byte, net.Addr, error) {
	for {
		packet, from, err := r.Reader.(dns.PacketConnReader).ReadPacketConn(conn, timeout)
		if err != nil || !r.nw.take(packet, from) {
			return packet, from, err
		}
	}
}

// notifyAll tells every secondary of z about soa, asynchronously.
func (s *Server) notifyAll(z *zoneState, soa *dns.SOA) {
	s.mu.Lock()
	udp := s.udp
	s.mu.Unlock()
	if udp == nil {
		return // not listening: secondaries find the serial on their refresh timer
	}
	for _, target := range z.cfg.Notify {
		ctx, cancel := context.WithCancel(s.ctx)
		job := &notifyJob{cancel: cancel}
		z.notifyMu.Lock()
		if old := z.notifyJ[target]; old != nil {
			old.cancel()
		}
		z.notifyJ[target] = job
		z.notifyMu.Unlock()
		started := s.goTracked(func() {
			defer func() {
				cancel()
				z.notifyMu.Lock()
				if z.notifyJ[target] == job {
					delete(z.notifyJ, target)
				}
				z.notifyMu.Unlock()
			}()
			z.stats.notifies.Add(1)
			if err := s.notify(ctx, udp, z, target, soa); err != nil && ctx.Err() == nil {
				z.stats.notifyFailures.Add(1)
				s.log.Warn("notify failed", "zone", z.cfg.origin, "serial", soa.Serial, "target", target, "err", err)
			}
		})
		if !started {
			cancel()
		}
	}
}

// notify sends NOTIFY for soa to target from the server's UDP socket until
// it is answered, the attempts run out or ctx ends. A target that cannot
// be resolved or reached (its name server restarting, a route coming up)
// counts as an unanswered attempt, and so does an answer SERVFAIL or
// REFUSED (a secondary starting, or reloading its configuration); the
// next attempt waits for its turn all the same. When the last attempt
// goes unanswered, the NOTIFY is sent once more over TCP, as BIND does:
// firewalls often pass only TCP/53, for zone transfers.
func (s *Server) notify(ctx context.Context, udp net.PacketConn, z *zoneState, target string, soa *dns.SOA) error {
	wait := notifyFirstWait
	var resp *dns.Msg
	var err error
	for attempt := 1; attempt <= notifyAttempts; attempt, wait = attempt+1, wait*2 {
		next := time.Now().Add(wait)
		resp, err = s.notifyOnce(ctx, udp, z, target, soa, wait)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case resp == nil:
			continue
		case resp.Rcode == dns.RcodeSuccess:
			s.log.Debug("notify acknowledged", "zone", z.cfg.origin, "serial", soa.Serial, "target", target, "attempt", attempt)
			return nil
		case notifyFinal(resp.Rcode):
			return fmt.Errorf("notify answered %s", answerText(resp))
		}
		s.log.Debug("notify answered with an error, retrying", "zone", z.cfg.origin, "serial", soa.Serial, "target", target, "attempt", attempt, "rcode", rcodeText(resp.Rcode))
		err = fmt.Errorf("notify answered %s after %d attempts", rcodeText(resp.Rcode), notifyAttempts)
		if attempt < notifyAttempts {
			timer := time.NewTimer(time.Until(next))
			select {
			case <-timer.C:
			case <-ctx.Done():
				timer.Stop()
				return ctx.Err()
			}
		}
	}
	if resp != nil {
		return err
	}
	resp, tcpErr := s.notifyTCP(ctx, udp.LocalAddr(), z, target, soa, wait)
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case tcpErr != nil:
		return fmt.Errorf("%w, nor over TCP: %w", err, tcpErr)
	case resp.Rcode == dns.RcodeSuccess:
		s.log.Debug("notify acknowledged", "zone", z.cfg.origin, "serial", soa.Serial, "target", target, "attempt", notifyAttempts+1, "tcp", true)
		return nil
	}
	return fmt.Errorf("%w, nor over TCP: notify answered %s", err, answerText(resp))
}

// notifyFinal reports whether a NOTIFY answered rcode is not sent again:
// NOTIMP (a secondary without NOTIFY, RFC 1996 section 4.7), FORMERR (it
// cannot read the NOTIFY) and NOTAUTH (it rejects the TSIG, or does not
// serve the zone) would answer the same NOTIFY the same way.
func notifyFinal(rcode int) bool {
	switch rcode {
	case dns.RcodeNotImplemented, dns.RcodeFormatError, dns.RcodeNotAuth:
		return true
	}
	return false
}

// rcodeText names rcode, or gives its number when it has no name.
func rcodeText(rcode int) string {
	if name, ok := dns.RcodeToString[rcode]; ok {
		return name
	}
	return strconv.Itoa(rcode)
}

// notifyOnce sends one NOTIFY and waits up to wait for its answer; it
// returns nil and why when there is none.
func (s *Server) notifyOnce(ctx context.Context, udp net.PacketConn, z *zoneState, target string, soa *dns.SOA, wait time.Duration) (*dns.Msg, error) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	to, err := resolveTarget(ctx, target, udp.LocalAddr())
	if err != nil {
		select {
		case <-timer.C:
		case <-ctx.Done():
		}
		return nil, err
	}
	m := new(dns.Msg).SetNotify(z.cfg.origin)
	m.Answer = []dns.RR{soa}
	k := notifyKey{id: m.Id, from: to}
	ch, ok := s.notifies.expect(k)
	for !ok {
		m.Id = dns.Id()
		k.id = m.Id
		ch, ok = s.notifies.expect(k)
	}
	defer s.notifies.forget(k)
	buf, mac, err := packNotify(m, z.cfg.key, s.keys)
	if err == nil {
		_, err = udp.WriteTo(buf, net.UDPAddrFromAddrPort(to))
	}
	if err != nil {
		err = fmt.Errorf("send notify: %w", err)
	} else {
		err = fmt.Errorf("no answer after %d attempts", notifyAttempts)
	}
	for {
		select {
		case a := <-ch:
			if verr := checkNotifyAnswer(a, z.cfg.key, s.keys, mac); verr != nil {
				s.log.Debug("notify answer ignored", "zone", z.cfg.origin, "serial", soa.Serial, "target", target, "err", verr)
				err = fmt.Errorf("no answer after %d attempts (ignored: %w)", notifyAttempts, verr)
				continue
			}
			return a.msg, nil
		case <-timer.C:
			return nil, err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// packNotify packs m, signed with key when the zone has one; it returns
// the MAC of the signature, which the answer's signature covers.
func packNotify(m *dns.Msg, key *tsigKey, kr keyring) ([]byte, string, error) {
	if key == nil {
		buf, err := m.Pack()
		return buf, "", err
	}
	m.SetTsig(key.name, key.algorithm, tsigFudge, time.Now().Unix())
	return dns.TsigGenerateWithProvider(m, kr, "", false)
}

// checkNotifyAnswer checks that the answer to a NOTIFY signed with key is
// signed with it over requestMAC, as BIND does: anyone can send an
// unsigned answer from the secondary's address. A TSIG of a class other
// than ANY is ignored, as BIND ignores the answer (RFC 8945 section 4.2). A signed NOTAUTH (a zone
// the secondary does not serve, or BADTIME) counts.
func checkNotifyAnswer(a notifyAnswer, key *tsigKey, kr keyring, requestMAC string) error {
	if key == nil {
		return nil
	}
	t := a.msg.IsTsig()
	switch {
	case t == nil:
		return fmt.Errorf("%s answer not signed", rcodeText(a.msg.Rcode))
	case t.Hdr.Class != dns.ClassANY:
		return fmt.Errorf("%s answer: TSIG of class %s, not ANY", rcodeText(a.msg.Rcode), dns.Class(t.Hdr.Class))
	case dns.CanonicalName(t.Hdr.Name) != key.name:
		return fmt.Errorf("%s answer signed with key %s, not %s", rcodeText(a.msg.Rcode), t.Hdr.Name, key.name)
	case t.MACSize == 0 && t.Error != dns.RcodeSuccess:
		return unsignedTSIGErrorAnswer(a.msg, t)
	}
	if err := verifyAnswerTSIG(a.packet, kr, requestMAC, time.Now()); err != nil {
		return fmt.Errorf("%s answer: TSIG: %w", rcodeText(a.msg.Rcode), err)
	}
	return nil
}

// lookupNetIP resolves a NOTIFY target's host name.
var lookupNetIP = net.DefaultResolver.LookupNetIP

// resolveTarget turns host:port into an address, looking the host up when
// it is not an IP address; local is the address NOTIFYs are sent from.
func resolveTarget(ctx context.Context, target string, local net.Addr) (netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(target); err == nil {
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), nil
	}
	host, portStr, err := net.SplitHostPort(target)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("notify target %q: %w", target, err)
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("notify target %q: bad port: %w", target, err)
	}
	addrs, err := lookupNetIP(ctx, "ip", host)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("notify target %q: %w", target, err)
	}
	if len(addrs) == 0 {
		return netip.AddrPort{}, fmt.Errorf("notify target %q: no address", target)
	}
	return netip.AddrPortFrom(reachable(addrs, local), uint16(port)), nil
}

// reachable returns the first of addrs (not empty) that a socket bound to
// local can send to: one of local's family when local is a specific
// address (a host with AAAA and A records is otherwise sent to its IPv6
// address from an IPv4 socket, which fails every time), else the first.
func reachable(addrs []netip.Addr, local net.Addr) netip.Addr {
	var ip netip.Addr
	if ua, ok := local.(*net.UDPAddr); ok {
		ip = ua.AddrPort().Addr().Unmap()
	}
	for _, a := range addrs {
		if a = a.Unmap(); !ip.IsValid() || ip.IsUnspecified() || a.Is4() == ip.Is4() {
			return a
		}
	}
	return addrs[0].Unmap()
}

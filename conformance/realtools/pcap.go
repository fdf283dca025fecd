package realtools

import (
	"bytes"
	"encoding/binary"
)

// Segment is what one side of a TCP connection sends in one packet.
type Segment struct {
	Client bool // from the client (10.0.0.1) rather than the server (10.0.0.2)
	Data   string
}

// TCPCapture returns a pcap file (Ethernet, IPv4, correct checksums) of
// one TCP connection per conversation, from 10.0.0.1 to 10.0.0.2:port on
// client ports 40000 upwards: the handshake, each segment acknowledged by
// the other side, and the closing FIN exchange.
func TCPCapture(port uint16, conversations ...[]Segment) []byte {
	var b bytes.Buffer
	// Global header: magic, version 2.4, no offset, snaplen, Ethernet.
	binary.Write(&b, binary.LittleEndian, [...]uint32{0xa1b2c3d4, 4<<16 | 2, 0, 0, 65535, 1}) //nolint:errcheck // a bytes.Buffer does not fail
	c := capture{w: &b, time: 1700000000}
	for i, conv := range conversations {
		c.conversation(40000+uint16(i), port, conv)
	}
	return b.Bytes()
}

// TCP flags.
const (
	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpPSH = 0x08
	tcpACK = 0x10
)

type capture struct {
	w    *bytes.Buffer
	time uint32
}

func (c *capture) conversation(cport, sport uint16, conv []Segment) {
	client := [4]byte{10, 0, 0, 1}
	server := [4]byte{10, 0, 0, 2}
	cseq, sseq := uint32(1000), uint32(5000)
	c.packet(client, server, cport, sport, cseq, 0, tcpSYN, "")
	cseq++
	c.packet(server, client, sport, cport, sseq, cseq, tcpSYN|tcpACK, "")
	sseq++
	c.packet(client, server, cport, sport, cseq, sseq, tcpACK, "")
	for _, s := range conv {
		if s.Client {
			c.packet(client, server, cport, sport, cseq, sseq, tcpPSH|tcpACK, s.Data)
			cseq += uint32(len(s.Data))
			c.packet(server, client, sport, cport, sseq, cseq, tcpACK, "")
		} else {
			c.packet(server, client, sport, cport, sseq, cseq, tcpPSH|tcpACK, s.Data)
			sseq += uint32(len(s.Data))
			c.packet(client, server, cport, sport, cseq, sseq, tcpACK, "")
		}
	}
	c.packet(client, server, cport, sport, cseq, sseq, tcpFIN|tcpACK, "")
	c.packet(server, client, sport, cport, sseq, cseq+1, tcpFIN|tcpACK, "")
	c.packet(client, server, cport, sport, cseq+1, sseq+1, tcpACK, "")
}

// packet writes one record: Ethernet, IPv4 and TCP headers and data.
func (c *capture) packet(src, dst [4]byte, sport, dport uint16, seq, ack uint32, flags byte, data string) {
	tcp := binary.BigEndian.AppendUint16(nil, sport)
	tcp = binary.BigEndian.AppendUint16(tcp, dport)
	tcp = binary.BigEndian.AppendUint32(tcp, seq)
	tcp = binary.BigEndian.AppendUint32(tcp, ack)
	tcp = append(tcp, 5<<4, flags, 0xff, 0xff, 0, 0, 0, 0) // offset, flags, window, checksum, urgent
	tcp = append(tcp, data...)
	pseudo := append(append(append(src[:], dst[:]...), 0, 6), byte(len(tcp)>>8), byte(len(tcp)))
	binary.BigEndian.PutUint16(tcp[16:], checksum(append(pseudo, tcp...)))
	ip := []byte{0x45, 0, byte((20 + len(tcp)) >> 8), byte(20 + len(tcp)), 0, 1, 0, 0, 64, 6, 0, 0}
	ip = append(append(ip, src[:]...), dst[:]...)
	binary.BigEndian.PutUint16(ip[10:], checksum(ip))
	frame := append([]byte{0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 8, 0}, ip...)
	frame = append(frame, tcp...)
	binary.Write(c.w, binary.LittleEndian, [...]uint32{c.time, 0, uint32(len(frame)), uint32(len(frame))}) //nolint:errcheck // a bytes.Buffer does not fail
	c.w.Write(frame)
	c.time++
}

// checksum is the Internet checksum of b.
func checksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

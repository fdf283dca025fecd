package dnsprimary

import (
	"encoding/binary"
	"io"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/internal/testtool"
)

// udpFilteredSecondary is a secondary behind a firewall that drops UDP to
// it: its UDP socket reads NOTIFYs and never answers, and its TCP
// listener, on the same port, hands each connection to serve.
type udpFilteredSecondary struct {
	addr     string
	udpSeen  atomic.Int32 // NOTIFYs dropped on UDP
	tcpConns atomic.Int32
}

func newUDPFilteredSecondary(t *testing.T, serve func(c net.Conn)) *udpFilteredSecondary {
	t.Helper()
	var ln net.Listener
	var udp net.PacketConn
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if udp, err = net.ListenPacket("udp", l.Addr().String()); err == nil {
			ln = l
			break
		}
		l.Close()
	}
	if ln == nil {
		t.Fatal("no port free for both TCP and UDP")
	}
	t.Cleanup(func() { ln.Close(); udp.Close() })
	sec := &udpFilteredSecondary{addr: ln.Addr().String()}
	go func() {
		buf := make([]byte, dns.MaxMsgSize)
		for {
			if _, _, err := udp.ReadFrom(buf); err != nil {
				return
			}
			sec.udpSeen.Add(1)
		}
	}()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			sec.tcpConns.Add(1)
			go func() {
				defer c.Close()
				serve(c)
			}()
		}
	}()
	return sec
}

// answerOverTCP reads one NOTIFY from c and writes what answer returns
// for it.
func answerOverTCP(t *testing.T, c net.Conn, answer func(t *testing.T, req *dns.Msg) []byte) {
	c.SetDeadline(time.Now().Add(time.Minute))
	var n [2]byte
	if _, err := io.ReadFull(c, n[:]); err != nil {
		t.Errorf("read the NOTIFY's length: %v", err)
		return
	}
	buf := make([]byte, binary.BigEndian.Uint16(n[:]))
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Errorf("read the NOTIFY: %v", err)
		return
	}
	req := new(dns.Msg)
	if err := req.Unpack(buf); err != nil || req.Opcode != dns.OpcodeNotify || req.Response {
		t.Errorf("not a NOTIFY over TCP: %v (%v)", req, err)
		return
	}
	if tsig := req.IsTsig(); tsig != nil {
		if err := dns.TsigVerify(buf, testSecret, "", false); err != nil {
			t.Errorf("NOTIFY over TCP: TSIG: %v", err)
		}
	}
	out := answer(t, req)
	c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(out))), out...))
}

// A NOTIFY whose UDP attempts all go unanswered (a firewall passing only
// TCP/53, as many do for zone transfers) is sent once over TCP, as BIND
// does, with the same signature and the same check of the answer: it was
// sent over UDP only, and the secondary waited for its SOA refresh, an
// hour by default.
func TestNotifyFallsBackToTCP(t *testing.T) {
	// It waits out the NOTIFY retry schedule (31 s): beside the others.
	t.Parallel()
	tests := []struct {
		name   string
		key    *TSIGKey
		answer func(t *testing.T, req *dns.Msg) []byte
		want   notifyOutcome
	}{
		{"unsigned zone", nil, func(t *testing.T, req *dns.Msg) []byte {
			return answerWith(t, req, dns.RcodeSuccess)
		}, notifyOutcome{acknowledged: true, attempt: notifyAttempts + 1}},
		{"signed zone, signed answer", testKey(), func(t *testing.T, req *dns.Msg) []byte {
			return signedAnswer(t, req, testSecret, req.IsTsig().MAC)
		}, notifyOutcome{acknowledged: true, attempt: notifyAttempts + 1}},
		{"signed zone, unsigned answer", testKey(), func(t *testing.T, req *dns.Msg) []byte {
			return answerWith(t, req, dns.RcodeSuccess)
		}, notifyOutcome{err: "no answer after 5 attempts, nor over TCP: NOERROR answer not signed"}},
		{"answered NOTAUTH", nil, func(t *testing.T, req *dns.Msg) []byte {
			return answerWith(t, req, dns.RcodeNotAuth)
		}, notifyOutcome{err: "no answer after 5 attempts, nor over TCP: notify answered NOTAUTH"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sec := newUDPFilteredSecondary(t, func(c net.Conn) { answerOverTCP(t, c, tt.answer) })
			var got notifyOutcome
			select {
			case got = <-startNotifyingServer(t, "127.0.0.1:0", sec.addr, tt.key):
			case <-time.After(3 * time.Minute): // the UDP attempts take 31 seconds
				t.Fatal("the NOTIFY neither acknowledged nor failed")
			}
			if got != tt.want {
				t.Errorf("NOTIFY %s, want %s", got, tt.want)
			}
			if n := sec.udpSeen.Load(); n != notifyAttempts {
				t.Errorf("%d NOTIFYs over UDP, want %d", n, notifyAttempts)
			}
			if n := sec.tcpConns.Load(); n != 1 {
				t.Errorf("%d TCP connections, want 1", n)
			}
		})
	}
}

// A secondary that answers over UDP, even with an error, is not sent the
// NOTIFY over TCP.
func TestNotifyAnsweredOverUDPStaysOnUDP(t *testing.T) {
	// It waits out the NOTIFY retry schedule (31 s): beside the others.
	t.Parallel()
	sec := newScriptedSecondary(t, func(n int, req *dns.Msg) [][]byte {
		return [][]byte{answerWith(t, req, dns.RcodeServerFailure)}
	})
	ln, err := net.Listen("tcp", sec.conn.LocalAddr().String())
	if err != nil {
		t.Skipf("TCP port of the secondary taken: %v", err)
	}
	defer ln.Close()
	var tcpConns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			tcpConns.Add(1)
			c.Close()
		}
	}()
	got := notifySecondary(t, sec, nil)
	if want := "notify answered SERVFAIL after 5 attempts"; got.acknowledged || got.err != want {
		t.Errorf("NOTIFY %s, want failed: %s", got, want)
	}
	if n := tcpConns.Load(); n != 0 {
		t.Errorf("%d TCP connections, want none", n)
	}
}

// A real named, reached only over TCP, acknowledges the signed NOTIFY
// sent there after the UDP attempts.
func TestNotifyOverTCPToBIND(t *testing.T) {
	// It waits out the NOTIFY retry schedule (31 s): beside the others.
	t.Parallel()
	named := testtool.Require(t, "named", "bind9")
	primaryPort, namedPort := primaryAndNamedPorts(t)
	namedAddr := "127.0.0.1:" + strconv.Itoa(namedPort)
	// The NOTIFY goes to a port where UDP is dropped and TCP is passed
	// on to named's.
	firewall := newUDPFilteredSecondary(t, func(c net.Conn) {
		up, err := net.Dial("tcp", namedAddr)
		if err != nil {
			t.Errorf("connect to named: %v", err)
			return
		}
		defer up.Close()
		go io.Copy(up, c)
		io.Copy(c, up)
	})
	key := &TSIGKey{Name: "k", Secret: testSecret}
	outcome := startNotifyingServer(t, "127.0.0.1:"+strconv.Itoa(primaryPort), firewall.addr, key)
	log := startNamedSecondary(t, named, namedPort, primaryPort)
	select {
	case got := <-outcome:
		if want := (notifyOutcome{acknowledged: true, attempt: notifyAttempts + 1}); got != want {
			t.Errorf("NOTIFY to named %s, want %s\nnamed's log:\n%s", got, want, log)
		}
	case <-time.After(3 * time.Minute):
		t.Fatalf("the NOTIFY neither acknowledged nor failed\nnamed's log:\n%s", log)
	}
	if !strings.Contains(log.String(), "notify from 127.0.0.1#") {
		t.Errorf("named did not log the NOTIFY\nnamed's log:\n%s", log)
	}
}

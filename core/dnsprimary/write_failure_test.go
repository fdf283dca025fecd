package dnsprimary

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"testing"

	"github.com/miekg/dns"
)

// failingWriter is a TCP packetWriter whose write number failAt fails as
// a write past its deadline does, part of the message sent.
type failingWriter struct {
	packetWriter
	failAt int
	writes int
	closed bool
}

// newFailingWriter is a failingWriter of s from 127.0.0.1 whose write
// number failAt fails.
func newFailingWriter(s *Server, failAt int) *failingWriter {
	return &failingWriter{packetWriter: packetWriter{keys: s.keys, tcp: true, from: netip.MustParseAddr("127.0.0.1")}, failAt: failAt}
}

// largeZoneServer returns a Server, not listening, with the test zone
// built of 2000 long names: a transfer of it takes several messages.
func largeZoneServer(t *testing.T) *Server {
	t.Helper()
	names := make([]string, 2000)
	for i := range names {
		names[i] = fmt.Sprintf("d%05d.blocked-domain-with-a-long-label.example", i)
	}
	s, err := New(Options{Addr: "127.0.0.1:0", Zones: []Zone{newTestZone(&fakeSource{text: policyZone(names)})}, Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Refresh(context.Background(), testZone); err != nil {
		t.Fatal(err)
	}
	return s
}

func (w *failingWriter) WriteMsg(m *dns.Msg) error {
	if w.closed {
		return fmt.Errorf("write %d after close", w.writes+1)
	}
	if w.writes++; w.writes == w.failAt {
		return os.ErrDeadlineExceeded
	}
	return w.packetWriter.WriteMsg(m)
}

func (w *failingWriter) Close() error {
	w.closed = true
	return nil
}

// A TCP connection on which an answer failed to be written whole is
// closed: a message cut short breaks the length framing, and a later
// answer on it would be read from the middle of the cut one.
func TestFailedWriteClosesTheConnection(t *testing.T) {
	s := largeZoneServer(t)
	tests := []struct {
		name   string
		req    *dns.Msg
		failAt int
	}{
		{"AXFR, second message", new(dns.Msg).SetAxfr(testZone), 2},
		{"AXFR, first message", new(dns.Msg).SetAxfr(testZone), 1},
		{"IXFR, full zone", new(dns.Msg).SetIxfr(testZone, 1, "a.", "b."), 2},
		{"SOA query", new(dns.Msg).SetQuestion(testZone, dns.TypeSOA), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newFailingWriter(s, tt.failAt)
			handler{s}.ServeDNS(w, tt.req)
			if !w.closed {
				t.Errorf("connection left open after write %d of %d failed", tt.failAt, w.writes)
			}
			if w.writes != tt.failAt {
				t.Errorf("%d writes, want %d: none after the failed one", w.writes, tt.failAt)
			}
		})
	}
}

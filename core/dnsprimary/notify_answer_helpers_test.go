package dnsprimary

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/internal/testtool"
)

// drainMarker is the packet a test sends to a scriptedSecondary to learn
// that it has read every NOTIFY that arrived before.
var drainMarker = []byte("drained")

// scriptedSecondary receives NOTIFYs on UDP and sends, for the n-th one
// (from 1), the packets answer returns.
type scriptedSecondary struct {
	conn    net.PacketConn
	drained chan struct{}

	mu       sync.Mutex
	arrivals []time.Time
}

func newScriptedSecondary(t *testing.T, answer func(n int, req *dns.Msg) [][]byte) *scriptedSecondary {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	sec := &scriptedSecondary{conn: conn, drained: make(chan struct{}, 1)}
	go func() {
		buf := make([]byte, dns.MaxMsgSize)
		for {
			k, from, err := conn.ReadFrom(buf)
			if err != nil {
				return
			}
			if bytes.Equal(buf[:k], drainMarker) {
				sec.drained <- struct{}{}
				continue
			}
			req := new(dns.Msg)
			if req.Unpack(buf[:k]) != nil || req.Opcode != dns.OpcodeNotify || req.Response {
				continue
			}
			sec.mu.Lock()
			sec.arrivals = append(sec.arrivals, time.Now())
			n := len(sec.arrivals)
			sec.mu.Unlock()
			for _, out := range answer(n, req) {
				conn.WriteTo(out, from)
			}
		}
	}()
	return sec
}

// received returns the arrival times of the NOTIFYs read so far, after
// every NOTIFY sent before the call has been read.
func (sec *scriptedSecondary) received(t *testing.T) []time.Time {
	t.Helper()
	c, err := net.Dial("udp", sec.conn.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(drainMarker); err != nil {
		t.Fatal(err)
	}
	select {
	case <-sec.drained:
	case <-time.After(time.Minute):
		t.Fatal("the secondary did not read its socket")
	}
	sec.mu.Lock()
	defer sec.mu.Unlock()
	return append([]time.Time(nil), sec.arrivals...)
}

// answerWith returns the packed answer to req with rcode.
func answerWith(t *testing.T, req *dns.Msg, rcode int) []byte {
	m := new(dns.Msg).SetRcode(req, rcode)
	out, err := m.Pack()
	if err != nil {
		t.Error(err)
	}
	return out
}

// recordHandler copies the records of the log to a channel, and passes
// them on to the test log.
type recordHandler struct {
	slog.Handler
	records chan slog.Record
}

func (h recordHandler) Handle(ctx context.Context, r slog.Record) error {
	select {
	case h.records <- r.Clone():
	default:
	}
	return h.Handler.Handle(ctx, r)
}

func (h recordHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return recordHandler{h.Handler.WithAttrs(as), h.records}
}

func (h recordHandler) WithGroup(name string) slog.Handler {
	return recordHandler{h.Handler.WithGroup(name), h.records}
}

// notifyOutcome is how a NOTIFY sequence ended, as logged.
type notifyOutcome struct {
	acknowledged bool
	attempt      int64  // of the acknowledgement
	err          string // of the failure
}

// startNotifyingServer starts a server on addr for one zone, signed with
// key when it is not nil, that notifies target; it returns the outcome of
// the NOTIFYs of the first build.
func startNotifyingServer(t *testing.T, addr, target string, key *TSIGKey) <-chan notifyOutcome {
	t.Helper()
	return startNotifyingZone(t, addr, newTestZone(&fakeSource{text: policyZone(domainsV1)}), target, key)
}

// startNotifyingZone is startNotifyingServer for the zone z.
func startNotifyingZone(t *testing.T, addr string, z Zone, target string, key *TSIGKey) <-chan notifyOutcome {
	t.Helper()
	records := make(chan slog.Record, 256)
	base := slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug})
	z.Notify = []string{target}
	z.TSIG = key
	s, err := New(Options{Addr: addr, Zones: []Zone{z}, Logger: slog.New(recordHandler{base, records}), Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	outcome := make(chan notifyOutcome, 1)
	go func() {
		for r := range records {
			if r.Message != "notify acknowledged" && r.Message != "notify failed" {
				continue
			}
			out := notifyOutcome{acknowledged: r.Message == "notify acknowledged"}
			r.Attrs(func(a slog.Attr) bool {
				switch a.Key {
				case "attempt":
					out.attempt = a.Value.Int64()
				case "err":
					out.err = a.Value.String()
				}
				return true
			})
			outcome <- out
			return
		}
	}()
	return outcome
}

// notifySecondary starts a server notifying sec and waits for the outcome.
func notifySecondary(t *testing.T, sec *scriptedSecondary, key *TSIGKey) notifyOutcome {
	t.Helper()
	select {
	case out := <-startNotifyingServer(t, "127.0.0.1:0", sec.conn.LocalAddr().String(), key):
		return out
	case <-time.After(2 * time.Minute): // the retries take 31 seconds
		t.Fatal("the NOTIFY neither acknowledged nor failed")
		return notifyOutcome{}
	}
}

// notifySigned starts a server, signed with the test key, notifying a
// scriptedSecondary that answers the n-th NOTIFY with what answer returns,
// and returns the outcome; it fails t unless the secondary got notifys
// NOTIFYs.
func notifySigned(t *testing.T, notifys int, answer func(n int, req *dns.Msg) [][]byte) notifyOutcome {
	t.Helper()
	sec := newScriptedSecondary(t, answer)
	got := notifySecondary(t, sec, testKey())
	if n := len(sec.received(t)); n != notifys {
		t.Errorf("%d NOTIFYs sent, want %d", n, notifys)
	}
	return got
}

// notifyBIND starts a server for z, signed with the key "k", that notifies
// a real named secondary of it, and returns the outcome of the NOTIFYs of
// the first build and named's log.
func notifyBIND(t *testing.T, z Zone) (notifyOutcome, *testtool.LogBuffer) {
	t.Helper()
	got, log, _ := notifyBINDAlg(t, z, "")
	return got, log
}

// notifyBINDAlg is notifyBIND with the key's algorithm alg on both sides
// (empty: hmac-sha256); it also returns named's port.
func notifyBINDAlg(t *testing.T, z Zone, alg string) (notifyOutcome, *testtool.LogBuffer, int) {
	t.Helper()
	named := testtool.Require(t, "named", "bind9")
	primaryPort, namedPort := primaryAndNamedPorts(t)
	key := &TSIGKey{Name: "k", Algorithm: alg, Secret: testSecret}
	outcome := startNotifyingZone(t, "127.0.0.1:"+strconv.Itoa(primaryPort), z, "127.0.0.1:"+strconv.Itoa(namedPort), key)
	// The NOTIFY of the first build goes out before named listens: one
	// of its retries reaches it.
	log := startNamedSecondaryAlg(t, named, namedPort, primaryPort, alg)
	select {
	case got := <-outcome:
		return got, log, namedPort
	case <-time.After(2 * time.Minute):
		t.Fatalf("the NOTIFY neither acknowledged nor failed\nnamed's log:\n%s", log)
		return notifyOutcome{}, nil, 0
	}
}

func (o notifyOutcome) String() string {
	if o.acknowledged {
		return "acknowledged at attempt " + strconv.FormatInt(o.attempt, 10)
	}
	return "failed: " + o.err
}

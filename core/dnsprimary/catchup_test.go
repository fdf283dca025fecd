package dnsprimary

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/internal/testtool"
)

func TestSerialPast(t *testing.T) {
	const half = 1 << 31
	tests := []struct {
		name       string
		cur, ahead uint32
		now        int64
		want       uint32
		ok         bool
	}{
		{"clock behind the secondary: its serial plus one", testEpoch, testEpoch + 100, testEpoch + 10, testEpoch + 101, true},
		{"clock past the secondary: the unix time", testEpoch, testEpoch + 100, testEpoch + 1000, testEpoch + 1000, true},
		{"unix time 2^31 or more past cur: its serial plus one", 100, 200, half + 150, 201, true},
		{"across the wrap", 4294967290, 5, 0, 6, true},
		{"2^31-2 ahead: its serial plus one, 2^31-1 past cur", 1000, 1000 + half - 2, 0, 1000 + half - 1, true},
		{"2^31-1 ahead: nothing passes both", 1000, 1000 + half - 1, 0, 0, false},
		{"2^31 apart, undefined: nothing passes both", 1000, 1000 + half, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := serialPast(tt.cur, tt.ahead, time.Unix(tt.now, 0))
			if got != tt.want || ok != tt.ok {
				t.Errorf("serialPast(%d, %d) = %d, %v; want %d, %v", tt.cur, tt.ahead, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// soaText is the test zone's SOA with serial, as rrText writes it.
func soaText(serial uint32) string {
	return fmt.Sprintf("rpz.cratos. 300 IN SOA rpz-master.example. hostmaster.example. %d 3600 900 2592000 300\n", serial)
}

// A secondary whose serial is ahead of the zone's asks IXFR from it: the
// serial moves past it and the secondary gets the whole zone; one at the
// old serial then gets only the new SOA, and the next change follows on.
func TestSecondaryAheadCatchesUp(t *testing.T) {
	clk := newClock()
	src := &fakeSource{text: policyZone(domainsV1, ipsV1...)}
	sec := newFakeSecondary(t, 1, nil)
	z := newTestZone(src)
	z.Notify = []string{sec.conn.LocalAddr().String()}
	s := startServer(t, clk.Now, z)
	notifiedSerial(t, sec, testEpoch)
	axfr := transfer(t, s, dns.TypeAXFR, 0)
	records := strings.TrimPrefix(strings.TrimSuffix(axfr, soaText(testEpoch)), soaText(testEpoch))

	clk.Set(time.Unix(testEpoch+10, 0))
	if got, want := transfer(t, s, dns.TypeIXFR, testEpoch+500), soaText(testEpoch+501)+records+soaText(testEpoch+501); got != want {
		t.Fatalf("IXFR from a serial ahead:\n%swant the whole zone:\n%s", got, want)
	}
	if got := s.Serial(testZone); got != testEpoch+501 {
		t.Fatalf("serial %d, want %d", got, testEpoch+501)
	}
	notifiedSerial(t, sec, testEpoch+501)
	if got := transfer(t, s, dns.TypeIXFR, testEpoch+501); got != soaText(testEpoch+501) {
		t.Errorf("IXFR from the new serial:\n%swant the SOA alone", got)
	}
	want := soaText(testEpoch+501) + soaText(testEpoch) + soaText(testEpoch+501) + soaText(testEpoch+501)
	if got := transfer(t, s, dns.TypeIXFR, testEpoch); got != want {
		t.Errorf("IXFR from the old serial:\n%swant an empty change:\n%s", got, want)
	}

	src.set(policyZone(domainsV2, ipsV1...), nil)
	if err := s.Refresh(context.Background(), testZone); err != nil {
		t.Fatal(err)
	}
	if got := s.Serial(testZone); got != testEpoch+502 {
		t.Errorf("serial after a change %d, want %d", got, testEpoch+502)
	}
}

// notifiedSerial reads the next NOTIFY sec receives and checks its serial.
func notifiedSerial(t *testing.T, sec *fakeSecondary, want uint32) {
	t.Helper()
	select {
	case m := <-sec.received:
		<-sec.from
		if soa, ok := firstSOA(m.Answer); !ok || soa.Serial != want {
			t.Errorf("NOTIFY answer = %v, want the SOA with serial %d", m.Answer, want)
		}
	case <-time.After(time.Minute):
		t.Fatalf("no NOTIFY for serial %d", want)
	}
}

// Only a signed TCP transfer request from AllowTransfer moves the serial;
// a serial 2^31-1 or 2^31 ahead cannot be passed and moves nothing.
func TestSerialMovesOnlyForSecondaries(t *testing.T) {
	other := []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}
	tests := []struct {
		name   string
		zone   func(z *Zone)
		serial uint32
		key    *TSIGKey
		rcode  int
		want   uint32 // the serial afterwards
	}{
		{"allowed and signed", func(z *Zone) { z.TSIG = testKey() }, testEpoch + 500, testKey(), dns.RcodeSuccess, testEpoch + 501},
		{"address not allowed to transfer", func(z *Zone) { z.AllowTransfer = other }, testEpoch + 500, nil, dns.RcodeRefused, testEpoch},
		{"allowed to query only", func(z *Zone) { z.AllowTransfer, z.AllowQuery = other, loopback }, testEpoch + 500, nil, dns.RcodeRefused, testEpoch},
		{"unsigned", func(z *Zone) { z.TSIG = testKey() }, testEpoch + 500, nil, dns.RcodeRefused, testEpoch},
		{"2^31-1 ahead", func(*Zone) {}, testEpoch + 1<<31 - 1, nil, dns.RcodeSuccess, testEpoch},
		{"2^31 apart", func(*Zone) {}, testEpoch + 1<<31, nil, dns.RcodeSuccess, testEpoch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := newTestZone(&fakeSource{text: policyZone(domainsV1)})
			tt.zone(&z)
			s := startServer(t, newClock().Now, z)
			m := new(dns.Msg).SetIxfr(testZone, tt.serial, "rpz-master.example.", "hostmaster.example.")
			c := &dns.Client{Net: "tcp", Timeout: 5 * time.Second}
			if tt.key != nil {
				c.TsigSecret = map[string]string{testKeyName: testSecret}
				m.SetTsig(testKeyName, dns.HmacSHA256, 300, time.Now().Unix())
			}
			r, _, err := c.Exchange(m, s.Addr())
			if err != nil {
				t.Fatal(err)
			}
			if r.Rcode != tt.rcode {
				t.Errorf("rcode %s, want %s", dns.RcodeToString[r.Rcode], dns.RcodeToString[tt.rcode])
			}
			if got := s.Serial(testZone); got != tt.want {
				t.Errorf("serial %d, want %d", got, tt.want)
			}
		})
	}

	t.Run("over UDP", func(t *testing.T) {
		s := startServer(t, newClock().Now, newTestZone(&fakeSource{text: policyZone(domainsV1)}))
		m := new(dns.Msg).SetIxfr(testZone, testEpoch+500, "rpz-master.example.", "hostmaster.example.")
		r, _, err := (&dns.Client{Net: "udp", Timeout: 5 * time.Second}).Exchange(m, s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		if got := rrText(r.Answer); got != soaText(testEpoch) || s.Serial(testZone) != testEpoch {
			t.Errorf("answer %sserial %d; want the SOA alone and serial %d", got, s.Serial(testZone), testEpoch)
		}
	})
}

// A build under way when the serial moves past a secondary's follows on
// from the new serial.
func TestBuildAfterSerialMoved(t *testing.T) {
	clk := newClock()
	src := &fakeSource{text: policyZone(domainsV1)}
	var gate chan struct{}
	entered := make(chan struct{})
	z := newTestZone(src)
	z.Source = func(ctx context.Context) (string, error) {
		if gate != nil {
			entered <- struct{}{}
			<-gate
		}
		return src.Source(ctx)
	}
	s := startServer(t, clk.Now, z)

	clk.Set(time.Unix(testEpoch+10, 0))
	gate = make(chan struct{})
	src.set(policyZone(domainsV2), nil)
	done := make(chan error)
	go func() { done <- s.Refresh(context.Background(), testZone) }()
	<-entered
	transfer(t, s, dns.TypeIXFR, testEpoch+500)
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := s.Serial(testZone); got != testEpoch+502 {
		t.Fatalf("serial after the build %d, want %d", got, testEpoch+502)
	}
	want := soaText(testEpoch+502) +
		soaText(testEpoch+501) + "removed.example.rpz.cratos. 300 IN CNAME .\n*.removed.example.rpz.cratos. 300 IN CNAME .\n" +
		soaText(testEpoch+502) + "new.example.rpz.cratos. 300 IN CNAME .\n*.new.example.rpz.cratos. 300 IN CNAME .\n" +
		soaText(testEpoch+502)
	if got := transfer(t, s, dns.TypeIXFR, testEpoch+501); got != want {
		t.Errorf("IXFR from the moved serial:\n%swant:\n%s", got, want)
	}
}

// A moved serial is kept as a build's is: a restart serves it, with the
// journal entry from the old serial.
func TestMovedSerialSurvivesRestart(t *testing.T) {
	path := t.TempDir()
	clk := newClock()
	src := &fakeSource{text: policyZone(domainsV1)}
	first := startWithState(t, path, clk, src, &testtool.LogBuffer{})
	transfer(t, first, dns.TypeIXFR, testEpoch+500)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	logs := &testtool.LogBuffer{}
	second := startWithState(t, path, clk, &fakeSource{err: errors.New("MISP unavailable")}, logs)
	if got := second.Serial(testZone); got != testEpoch+501 {
		t.Fatalf("serial after restart %d, want %d\n%s", got, testEpoch+501, logs)
	}
	want := soaText(testEpoch+501) + soaText(testEpoch) + soaText(testEpoch+501) + soaText(testEpoch+501)
	if got := transfer(t, second, dns.TypeIXFR, testEpoch); got != want {
		t.Errorf("IXFR from the old serial after restart:\n%swant:\n%s", got, want)
	}
}

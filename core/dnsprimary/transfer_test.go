package dnsprimary

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/internal/testtool"
)

func TestAXFR(t *testing.T) {
	src := &fakeSource{text: policyZone(domainsV1, ipsV1...)}
	s := startServer(t, newClock().Now, newTestZone(src))
	golden(t, "axfr/transfer.txt", rrText(transferred(t, s, dns.TypeAXFR, 0)))
}

func TestAXFRLargeZone(t *testing.T) {
	const domains = 20000
	names := make([]string, domains)
	for i := range names {
		names[i] = fmt.Sprintf("d%06d.blocked-domain-with-a-long-label.example", i)
	}
	src := &fakeSource{text: policyZone(names)}
	s := startServer(t, newClock().Now, newTestZone(src))
	envs, err := xfr(t, s.Addr(), dns.TypeAXFR, 0, nil)
	if err != nil {
		t.Fatalf("AXFR: %v", err)
	}
	all := flatten(envs)
	if want := 2*domains + 3; len(all) != want { // SOA, NS, records, SOA
		t.Fatalf("transferred %d records, want %d", len(all), want)
	}
	if len(envs) < 10 {
		t.Errorf("transfer used %d messages; want it split into many", len(envs))
	}
	if all[0].Header().Rrtype != dns.TypeSOA || all[len(all)-1].Header().Rrtype != dns.TypeSOA {
		t.Error("transfer does not start and end with the SOA")
	}
	seen := make(map[string]bool, len(all))
	for _, rr := range all[1 : len(all)-1] {
		k := rr.String()
		if seen[k] {
			t.Fatalf("record %s sent twice", k)
		}
		seen[k] = true
	}
}

// changeZone walks a zone through serials: v1 at testEpoch, then v2 and
// v3 one second apart each.
func changeZone(t *testing.T, s *Server, src *fakeSource, clk *testtool.Clock) {
	t.Helper()
	src.set(policyZone(domainsV2, ipsV1...), nil)
	clk.Set(time.Unix(testEpoch+1, 0))
	if err := s.Refresh(context.Background(), testZone); err != nil {
		t.Fatal(err)
	}
	src.set(policyZone(domainsV2, ipsV1[:1]...), nil)
	clk.Set(time.Unix(testEpoch+2, 0))
	if err := s.Refresh(context.Background(), testZone); err != nil {
		t.Fatal(err)
	}
	if got := s.Serial(testZone); got != testEpoch+2 {
		t.Fatalf("serial after two changes = %d, want %d", got, testEpoch+2)
	}
}

func TestIXFR(t *testing.T) {
	clk := newClock()
	src := &fakeSource{text: policyZone(domainsV1, ipsV1...)}
	s := startServer(t, clk.Now, newTestZone(src))
	changeZone(t, s, src, clk)
	soa := func(serial uint32) string {
		return fmt.Sprintf("rpz.cratos. 300 IN SOA rpz-master.example. hostmaster.example. %d 3600 900 2592000 300\n", serial)
	}
	tests := []struct {
		name   string
		serial uint32
		golden string // file under testdata, or "" to compare with want
		want   string
	}{
		{
			name:   "from the previous serial: one diff",
			serial: testEpoch + 1,
			want: soa(testEpoch+2) +
				soa(testEpoch+1) + "48.zz.1.db8.2001.rpz-ip.rpz.cratos. 300 IN CNAME .\n" +
				soa(testEpoch+2) +
				soa(testEpoch+2),
		},
		{
			name:   "from two serials back: both diffs in order",
			serial: testEpoch,
			golden: "ixfr/incremental.txt",
		},
		{
			name:   "from an unknown serial: full zone",
			serial: testEpoch - 100,
			golden: "ixfr/full.txt",
		},
		{
			name:   "from the current serial: the SOA alone",
			serial: testEpoch + 2,
			want:   soa(testEpoch + 2),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rrText(transferred(t, s, dns.TypeIXFR, tt.serial))
			if tt.golden != "" {
				golden(t, tt.golden, got)
				return
			}
			if got != tt.want {
				t.Errorf("IXFR from %d:\n%swant:\n%s", tt.serial, got, tt.want)
			}
		})
	}

	t.Run("over UDP: the SOA alone", func(t *testing.T) {
		m := new(dns.Msg).SetIxfr(testZone, testEpoch, "rpz-master.example.", "hostmaster.example.")
		r, _, err := (&dns.Client{Net: "udp", Timeout: 5 * time.Second}).Exchange(m, s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		if got := rrText(r.Answer); r.Rcode != dns.RcodeSuccess || got != soa(testEpoch+2) {
			t.Errorf("rcode %s, answer %s; want NOERROR and the current SOA", dns.RcodeToString[r.Rcode], got)
		}
	})
	t.Run("AXFR over UDP: FORMERR", func(t *testing.T) {
		m := new(dns.Msg).SetAxfr(testZone)
		r, _, err := (&dns.Client{Net: "udp", Timeout: 5 * time.Second}).Exchange(m, s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		if r.Rcode != dns.RcodeFormatError {
			t.Errorf("rcode %s, want FORMERR", dns.RcodeToString[r.Rcode])
		}
	})
}

func TestIXFRPastJournalBound(t *testing.T) {
	clk := newClock()
	src := &fakeSource{text: policyZone(domainsV1, ipsV1...)}
	z := newTestZone(src)
	z.JournalSize = 1
	s := startServer(t, clk.Now, z)
	changeZone(t, s, src, clk)
	tests := []struct {
		name    string
		serial  uint32
		records int // records between the first and last SOA
		style   string
	}{
		{"latest diff is kept", testEpoch + 1, 3, "incremental"},
		{"older diff was dropped", testEpoch, 8, "full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := transferred(t, s, dns.TypeIXFR, tt.serial)
			if got := len(all) - 2; got != tt.records {
				t.Errorf("%d records between the SOAs, want %d (%s):\n%s", got, tt.records, tt.style, rrText(all))
			}
		})
	}
}

func TestSerialChangesOnlyOnContentChange(t *testing.T) {
	clk := newClock()
	src := &fakeSource{text: policyZone(domainsV1, ipsV1...)}
	s := startServer(t, clk.Now, newTestZone(src))
	steps := []struct {
		name  string
		text  string
		clock int64
		want  uint32
	}{
		{"same text later: unchanged", policyZone(domainsV1, ipsV1...), testEpoch + 60, testEpoch},
		{"reordered text with another SOA serial: unchanged", strings.Replace(policyZone([]string{"removed.example", "bad.example", "login.phish.example"}, ipsV1[1], ipsV1[0]), "2026010201", "1", 1), testEpoch + 61, testEpoch},
		{"change: unix time", policyZone(domainsV2, ipsV1...), testEpoch + 120, testEpoch + 120},
		{"change in the same second: +1", policyZone(domainsV1, ipsV1...), testEpoch + 120, testEpoch + 121},
		{"change with the clock stepped back: +1", policyZone(domainsV2, ipsV1...), testEpoch - 3600, testEpoch + 122},
		{"no change with the clock stepped back: unchanged", policyZone(domainsV2, ipsV1...), testEpoch - 3600, testEpoch + 122},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			src.set(st.text, nil)
			clk.Set(time.Unix(st.clock, 0))
			if err := s.Refresh(context.Background(), "rpz.cratos"); err != nil {
				t.Fatal(err)
			}
			if got := s.Serial("rpz.cratos."); got != st.want {
				t.Errorf("serial = %d, want %d", got, st.want)
			}
			r := query(t, s.Addr(), "udp", testZone, dns.TypeSOA)
			if got := r.Answer[0].(*dns.SOA).Serial; got != st.want {
				t.Errorf("served serial = %d, want %d", got, st.want)
			}
		})
	}
}

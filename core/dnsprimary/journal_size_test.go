package dnsprimary

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// An IXFR never sends more records than the full zone: the journal drops
// its oldest changes once those kept add up to more records than the
// zone has, and a secondary at a serial before them gets the full zone.
func TestIXFRNoLargerThanTheZone(t *testing.T) {
	clk := newClock()
	domains := func(from, to int) []string {
		var out []string
		for i := from; i < to; i++ {
			out = append(out, fmt.Sprintf("d%02d.example", i))
		}
		return out
	}
	// 20 domains: the NS and 40 policy records. Each change replaces 8
	// domains: 32 records, fewer than the zone's 41, so each is kept.
	src := &fakeSource{text: policyZone(domains(0, 20))}
	s := startServer(t, clk.Now, newTestZone(src))
	for i, text := range []string{policyZone(domains(8, 28)), policyZone(domains(16, 36))} {
		src.set(text, nil)
		clk.Set(time.Unix(testEpoch+int64(i)+1, 0))
		if err := s.Refresh(context.Background(), testZone); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name        string
		serial      uint32
		records     int // between the first and the last SOA
		innerSOAs   int
		description string
	}{
		{"from the previous serial", testEpoch + 1, 32 + 2, 2, "one change of 32 records"},
		{"from two serials back", testEpoch, 41, 0, "the full zone: two changes are 64 records"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := transferred(t, s, dns.TypeIXFR, tt.serial)
			inner := all[1 : len(all)-1]
			soas := 0
			for _, rr := range inner {
				if rr.Header().Rrtype == dns.TypeSOA {
					soas++
				}
			}
			if len(inner) != tt.records || soas != tt.innerSOAs {
				t.Errorf("IXFR from %d: %d records with %d SOAs between the first and last SOA, want %d with %d (%s)",
					tt.serial, len(inner), soas, tt.records, tt.innerSOAs, tt.description)
			}
		})
	}
}

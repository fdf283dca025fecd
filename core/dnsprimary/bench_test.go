package dnsprimary

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// bigZone returns a policy zone of 2*domains+1 records (NS, d, *.d).
func bigZone(domains, offset int) string {
	names := make([]string, domains)
	for i := range names {
		names[i] = fmt.Sprintf("host%07d.malicious-campaign.example", i+offset)
	}
	return policyZone(names)
}

// BenchmarkAXFR100k transfers a zone of 100,001 records over loopback TCP
// with a miekg/dns client, signed with TSIG.
func BenchmarkAXFR100k(b *testing.B) {
	src := &fakeSource{text: bigZone(50000, 0)}
	z := newTestZone(src)
	z.TSIG = testKey()
	s := startServer(b, newClock().Now, z)
	b.ResetTimer()
	for b.Loop() {
		envs, err := xfr(b, s.Addr(), dns.TypeAXFR, 0, testKey())
		if err != nil {
			b.Fatal(err)
		}
		if n := len(flatten(envs)); n != 100003 {
			b.Fatalf("transferred %d records, want 100003", n)
		}
	}
	b.ReportMetric(100001, "records/op")
}

// BenchmarkIXFR100k transfers a 100-record change of a 100k-record zone.
func BenchmarkIXFR100k(b *testing.B) {
	clk := newClock()
	src := &fakeSource{text: bigZone(50000, 0)}
	s := startServer(b, clk.Now, newTestZone(src))
	src.set(bigZone(50000, 50), nil) // 50 domains out, 50 in: 200 records
	clk.Set(time.Unix(testEpoch+1, 0))
	if err := s.Refresh(context.Background(), testZone); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		envs, err := xfr(b, s.Addr(), dns.TypeIXFR, testEpoch, nil)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(flatten(envs)); n != 204 {
			b.Fatalf("transferred %d records, want 204", n)
		}
	}
}

// BenchmarkRefresh100k measures a build of a 100k-record zone: parse,
// sort and compare, unchanged (the common case) or with a change.
func BenchmarkRefresh100k(b *testing.B) {
	for _, tt := range []struct {
		name    string
		changed bool
	}{{"unchanged", false}, {"changed", true}} {
		b.Run(tt.name, func(b *testing.B) {
			texts := []string{bigZone(50000, 0), bigZone(50000, 50)}
			src := &fakeSource{text: texts[0]}
			clk := newClock()
			s, err := New(Options{Addr: "127.0.0.1:0", Zones: []Zone{newTestZone(src)}, Now: clk.Now})
			if err != nil {
				b.Fatal(err)
			}
			if err := s.Refresh(context.Background(), testZone); err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				if tt.changed {
					i++
					src.set(texts[i%2], nil)
				}
				if err := s.Refresh(context.Background(), testZone); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

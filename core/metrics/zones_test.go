package metrics

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/core/dnsprimary"
)

const zoneText = `$TTL 300
@ SOA rpz-master.example. hostmaster.example. (1 1h 15m 30d 5m)
  NS rpz-master.example.
blocked.example.test CNAME .
`

// servedZone starts a DNS primary for rpz.cratos. whose Source answers
// with fail when set, and returns it with the Metrics watching it.
func servedZone(t *testing.T, fail *error) (*dnsprimary.Server, *Metrics) {
	t.Helper()
	now := time.Unix(1_800_000_000, 0)
	s, err := dnsprimary.New(dnsprimary.Options{Addr: "127.0.0.1:0", Now: func() time.Time { return now }, Zones: []dnsprimary.Zone{{
		Name:          "rpz.cratos",
		AllowTransfer: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")},
		Source: func(context.Context) (string, error) {
			if *fail != nil {
				return "", *fail
			}
			return zoneText, nil
		},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	m := New()
	if err := m.WatchZones(s.Stats); err != nil {
		t.Fatal(err)
	}
	return s, m
}

// The zone series say the serial served, when the zone was last rebuilt,
// its failed rebuilds by reason and refused transfers; every series of a
// zone is there from the start, and promtool check metrics passes on them.
func TestZoneSeries(t *testing.T) {
	var fail error
	s, m := servedZone(t, &fail)
	fail = dnsprimary.SourceFailure(dnsprimary.FailMISP, errors.New("MISP unavailable"))
	if err := s.Refresh(context.Background(), "rpz.cratos"); err == nil {
		t.Fatal("Refresh succeeded")
	}
	// Transfers are allowed to 127.0.0.2 only: this one is refused.
	m2 := new(dns.Msg)
	m2.SetAxfr("rpz.cratos.")
	ch, err := (&dns.Transfer{ReadTimeout: time.Minute}).In(m2, s.Addr())
	if err == nil {
		for env := range ch {
			err = env.Error
		}
	}
	if err == nil {
		t.Fatal("AXFR from 127.0.0.1 was not refused")
	}
	text := scrape(t, m)
	for _, want := range []string{
		"# TYPE cratos_dns_zone_serial gauge",
		`cratos_dns_zone_serial{zone="rpz.cratos."} 1.8e+09`,
		"# TYPE cratos_dns_zone_last_success_timestamp_seconds gauge",
		`cratos_dns_zone_last_success_timestamp_seconds{zone="rpz.cratos."} 1.8e+09`,
		"# TYPE cratos_dns_zone_build_failures_total counter",
		`cratos_dns_zone_build_failures_total{reason="misp",zone="rpz.cratos."} 1`,
		`cratos_dns_zone_build_failures_total{reason="token",zone="rpz.cratos."} 0`,
		`cratos_dns_zone_build_failures_total{reason="held",zone="rpz.cratos."} 0`,
		`cratos_dns_zone_transfers_total{type="axfr",zone="rpz.cratos."} 0`,
		`cratos_dns_zone_transfers_total{type="ixfr_fallback_axfr",zone="rpz.cratos."} 0`,
		`cratos_dns_zone_transfers_refused_total{zone="rpz.cratos."} 1`,
		"# TYPE cratos_dns_zone_transfers_failed_total counter",
		`cratos_dns_zone_transfers_failed_total{zone="rpz.cratos."} 0`,
		`cratos_dns_zone_notifies_total{zone="rpz.cratos."} 0`,
		`cratos_dns_zone_notify_failures_total{zone="rpz.cratos."} 0`,
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	promtoolCheck(t, text)
}

// A zone never built since the start (its token refused, MISP down) has
// no serial and a last success of 0, which an alert on its age catches.
func TestZoneNeverBuilt(t *testing.T) {
	fail := dnsprimary.SourceFailure(dnsprimary.FailToken, errors.New("token revoked"))
	_, m := servedZone(t, &fail)
	text := scrape(t, m)
	for _, want := range []string{
		`cratos_dns_zone_last_success_timestamp_seconds{zone="rpz.cratos."} 0`,
		`cratos_dns_zone_build_failures_total{reason="token",zone="rpz.cratos."} 1`,
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(text, "cratos_dns_zone_serial{") {
		t.Errorf("a zone never loaded has a serial:\n%s", text)
	}
}

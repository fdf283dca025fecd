package cli

import (
	"log/slog"
	"testing"
	"time"
)

// TestZoneAgeChecked: a zone whose age the list routes would refuse stops
// start-up with an error naming the zone, rather than start a zone that
// never gets content.
func TestZoneAgeChecked(t *testing.T) {
	_, simURL := startSim(t, blockEvent("block", attr("domain", "blocked.example.test")))
	for _, age := range []string{"1x", "0d", "11y", "-1d"} {
		t.Run(age, func(t *testing.T) {
			e := startZoneE2E(t, simURL, "      age: \""+age+"\"\n")
			zones, err := dnsZones(e.cfg, e.svc, time.Now, slog.New(slog.DiscardHandler))
			want := "dns zone rpz.cratos: age \"" + age + "\": "
			if err == nil || len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
				t.Fatalf("%d zones, error %v, want one starting %q", len(zones), err, want)
			}
		})
	}
}

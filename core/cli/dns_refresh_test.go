package cli

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestZoneRebuildReadsMISPAgain: every rebuild of a zone reads what MISP
// holds by then, for each of its data types. The rebuilds follow a
// ticker, so one starts a little less than refresh_seconds after the
// build before it started: a list kept for all of refresh_seconds was
// then still fresh, and the zone took a change a whole interval late,
// some data types one interval after the others. It waits for the next
// tick in parallel with the other tests that wait.
func TestZoneRebuildReadsMISPAgain(t *testing.T) {
	t.Parallel()
	const refresh = 10 * time.Second
	sim, simURL := startSim(t, blockEvent("block",
		attr("domain", "a.example.test"), attr("hostname", "h1.example.test"), attr("ip-dst", "192.0.2.1")))
	e := startZoneE2E(t, simURL, "      data_types: [domain, hostname, ipv4]\n      refresh_seconds: 10\n")
	zones, err := dnsZones(e.cfg, e.svc, time.Now, slog.New(slog.DiscardHandler))
	if err != nil || len(zones) != 1 {
		t.Fatalf("dnsZones: %d zones, %v", len(zones), err)
	}
	start := time.Now()
	if _, err := zones[0].Source(context.Background()); err != nil {
		t.Fatalf("first build: %v", err)
	}
	if _, err := sim.AddEvent(blockEvent("block later",
		attr("domain", "b.example.test"), attr("hostname", "h2.example.test"), attr("ip-dst", "192.0.2.2"))); err != nil {
		t.Fatal(err)
	}
	// The next tick, as the refresher's ticker brings it: the build
	// before began a little after its own tick.
	time.Sleep(time.Until(start.Add(refresh - time.Second)))
	text, err := zones[0].Source(context.Background())
	if err != nil {
		t.Fatalf("second build: %v", err)
	}
	for _, owner := range []string{"b.example.test CNAME .", "h2.example.test CNAME .", "32.2.2.0.192.rpz-ip CNAME ."} {
		if !strings.Contains(text, "\n"+owner+"\n") {
			t.Errorf("the rebuild lacks %q, added in MISP before it:\n%s", owner, text)
		}
	}
}

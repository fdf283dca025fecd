package export_test

import (
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// A MISP whose clock is off Cratos' by more than the refresh margin, either
// way: the refresh after the first list still brings an attribute added
// and drops one deleted, rather than leaving them until the next full read.
func TestRefreshWithMISPClockOff(t *testing.T) {
	for _, off := range []time.Duration{-10 * time.Minute, 10 * time.Minute, -3 * time.Hour} {
		t.Run("MISP "+off.String(), func(t *testing.T) {
			e := &emulated{}
			e.clock.Store(time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC).Unix())
			mispNow := func() time.Time { return e.now().Add(off) }
			e.sim, e.url = misptest.Start(t, mispsim.Options{Seed: 1, Now: mispNow})
			e.site = emulatorSite(e.url, 600, 1000)
			e.site.Guard.Warninglists = new(bool)
			block := []string{"cratos:incident-classification=block"}
			if _, err := e.sim.AddEvent(mispsim.Event{Info: "a", Published: true, Tags: block, Timestamp: mispNow().Unix() - 3600,
				Attributes: []mispsim.Attribute{{Type: "ip-dst", Value: "100.128.0.1", ToIDS: true, Timestamp: mispNow().Unix() - 3600},
					{Type: "ip-dst", Value: "100.128.0.2", ToIDS: true, Timestamp: mispNow().Unix() - 3600}}}); err != nil {
				t.Fatal(err)
			}
			svc := e.service(export.Options{ReconcileEvery: time.Hour})
			if got := ipv4List(t, svc, e, e.site, "block"); got != "100.128.0.1\n100.128.0.2" {
				t.Fatalf("first list %q", got)
			}
			e.clock.Add(120)
			if _, err := e.sim.AddEvent(mispsim.Event{Info: "b", Published: true, Tags: block,
				Attributes: []mispsim.Attribute{{Type: "ip-dst", Value: "100.128.0.3", ToIDS: true}}}); err != nil {
				t.Fatal(err)
			}
			if err := e.sim.EditAttribute(2, mispsim.AttributeEdit{Deleted: true}); err != nil {
				t.Fatal(err)
			}
			e.clock.Add(120)
			if got := ipv4List(t, svc, e, e.site, "block"); got != "100.128.0.1\n100.128.0.3" {
				t.Errorf("refreshed list %q, want 100.128.0.1 and 100.128.0.3", got)
			}
			if n := svc.ReconcileDifferences(); n != 0 {
				t.Errorf("%d differences", n)
			}
		})
	}
}

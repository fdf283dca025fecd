package cli

import (
	"context"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/dnsprimary"
	"github.com/cratos-project/cratos/internal/testtool"
)

// TestZoneHeldAfterGuardChangeTakesTheNewGuard: a reload adds to
// never_block names the zone blocks while MISP answers a tenth of them in
// the same rebuild. The zone's list is held, as on its URL, but the zone
// serves what the URL does: the former names less those never_block now
// protects, under one new serial; the hold is counted and listed. Later
// rebuilds while held change nothing.
func TestZoneHeldAfterGuardChangeTakesTheNewGuard(t *testing.T) {
	names := func(n int) mispsim.Event {
		var attrs []mispsim.Attribute
		for i := range n {
			attrs = append(attrs, attr("domain", fmt.Sprintf("d%03d.held.example", i)))
		}
		return blockEvent("names", attrs...)
	}
	_, full := startSim(t, names(200))
	_, tenth := startSim(t, names(20))
	misp := newMISPSwitch(t, full)
	e := startZoneE2E(t, misp.URL, "      data_types: [domain]\n      refresh_seconds: 1\n      allow_transfer: [127.0.0.1/32]\n")
	zones, err := dnsZones(e.cfg, e.svc, time.Now, newLogger(e.log, true))
	if err != nil || len(zones) != 1 {
		t.Fatalf("dnsZones: %d zones, %v", len(zones), err)
	}
	zones[0].Refresh = 0 // rebuilt by the test alone
	srv, err := dnsprimary.New(dnsprimary.Options{Addr: "127.0.0.1:0", Zones: zones, Logger: newLogger(e.log, true)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	first := srv.Serial("rpz.cratos.")
	before := zoneNames(t, srv.Addr())
	if first == 0 || len(before) != 400 {
		t.Fatalf("first build: serial %d, %d names:\n%s", first, len(before), e.log.String())
	}

	// The zone's lists are cached for half its refresh: let them expire,
	// so that the next rebuild reads MISP.
	time.Sleep(2 * time.Second)
	protected := []string{"d005.held.example", "d150.held.example", "d199.held.example"}
	site := e.svc.sites.All()[0]
	text, err := os.ReadFile(site.Path)
	if err != nil {
		t.Fatal(err)
	}
	misp.set(t, tenth)
	testtool.WriteFile(t, site.Path, string(text)+"guard:\n  never_block:\n    domains: ["+strings.Join(protected, ", ")+"]\n")
	if errs := e.svc.sites.Reload(); len(errs) > 0 {
		t.Fatalf("reload: %v", errs)
	}

	var moved uint32
	for i := range 2 {
		err := srv.Refresh(ctx, "rpz.cratos.")
		if dnsprimary.FailureReason(err) != dnsprimary.FailHeld {
			t.Fatalf("rebuild %d after the reload: %v, want the list held:\n%s", i+1, err, e.log.String())
		}
		got := zoneNames(t, srv.Addr())
		want := slices.DeleteFunc(slices.Clone(before), func(n string) bool { return slices.Contains(protected, strings.TrimPrefix(n, "*.")) })
		if !slices.Equal(got, want) {
			t.Fatalf("rebuild %d after the reload: %d names, want the %d former ones never_block leaves", i+1, len(got), len(want))
		}
		switch serial := srv.Serial("rpz.cratos."); {
		case i == 0 && serial == first:
			t.Fatalf("rebuild 1 after the reload: serial still %d", serial)
		case i == 0:
			moved = serial
		case serial != moved:
			t.Fatalf("rebuild %d after the reload: serial %d, want %d as after the first", i+1, serial, moved)
		}
	}
	if st := srv.Stats()[0]; st.Failures[dnsprimary.FailHeld] != 2 || !st.LastFailed {
		t.Errorf("stats %+v, want 2 held rebuilds, the last failed", st)
	}
	if h := e.svc.export.Holds(""); len(h) != 1 || h[0].Path != "dns zone rpz.cratos" {
		t.Errorf("holds %+v, want the zone's", h)
	}
}

// zoneNames returns the sorted policy names (each domain and its
// wildcard) of rpz.cratos served at addr, by AXFR, without the origin.
func zoneNames(t *testing.T, addr string) []string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	m := new(dns.Msg)
	m.SetAxfr("rpz.cratos.")
	tr := &dns.Transfer{Conn: &dns.Conn{Conn: c}, ReadTimeout: time.Minute}
	env, err := tr.In(m, addr)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for en := range env {
		if en.Error != nil {
			t.Fatal(en.Error)
		}
		for _, rr := range en.RR {
			if rr.Header().Rrtype == dns.TypeCNAME {
				names = append(names, strings.TrimSuffix(rr.Header().Name, ".rpz.cratos."))
			}
		}
	}
	slices.Sort(names)
	return names
}

package cli

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/internal/testtool"
)

// TestE2EDNSZoneHeld: when MISP suddenly answers a tenth of the names,
// the zone keeps its content and serial, and the log says why.
func TestE2EDNSZoneHeld(t *testing.T) {
	_, full := startSim(t, heldNamesEvent(200))
	_, tenth := startSim(t, heldNamesEvent(20))
	misp := newMISPSwitch(t, full)
	port := testtool.FreeUDPAndTCPPort(t)
	e := startDNSE2E(t, misp.URL, port, `      data_types: [domain]
      refresh_seconds: 1
      allow_transfer: [127.0.0.1/32]
`)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	query := func(name string, qtype uint16) *dns.Msg {
		t.Helper()
		m := new(dns.Msg)
		m.SetQuestion(name, qtype)
		r, _, err := (&dns.Client{Timeout: 5 * time.Second}).Exchange(m, addr)
		if err != nil {
			t.Fatalf("query %s: %v", name, err)
		}
		return r
	}
	soa := func() uint32 {
		r := query("rpz.cratos.", dns.TypeSOA)
		for _, rr := range r.Answer {
			if s, ok := rr.(*dns.SOA); ok {
				return s.Serial
			}
		}
		return 0
	}
	// A first pull that fails (a connection broken on a busy machine) is
	// retried at the next refresh; the zone is served once one succeeds.
	var serial uint32
	testtool.WaitFor(t, "the zone's first load", 60*time.Second, func() bool {
		serial = soa()
		return serial != 0
	}, e.log.String)
	if r := query("d150.held.example.rpz.cratos.", dns.TypeCNAME); len(r.Answer) == 0 {
		t.Fatalf("d150 is not in the zone:\n%s", e.log.String())
	}

	misp.set(t, tenth)
	testtool.WaitFor(t, "the zone refresh to be held", 60*time.Second, func() bool {
		return strings.Contains(e.log.String(), "held (hold ") && strings.Contains(e.log.String(), "20 entries, 90% fewer than the last good one (200)")
	}, e.log.String)
	if got := soa(); got != serial {
		t.Errorf("serial %d after a held refresh, want %d", got, serial)
	}
	if r := query("d150.held.example.rpz.cratos.", dns.TypeCNAME); len(r.Answer) == 0 {
		t.Error("a held refresh removed d150 from the zone")
	}
}

package dnsprimary

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/internal/testtool"
)

// A journal kept by a version that bounded it by count alone is trimmed
// at restore as a build trims it: the oldest changes go while those kept
// add up to more records than the zone, so an IXFR through them is never
// larger than the full zone.
func TestRestoredJournalNoLargerThanTheZone(t *testing.T) {
	soa := func(serial string) string {
		return testZone + " 300 IN SOA rpz-master.example. hostmaster.example. " + serial + " 3600 900 2592000 300"
	}
	cname := func(name string) string { return name + "." + testZone + " 300 IN CNAME ." }
	// Three records; the two changes add up to five.
	f := zoneFile{
		Origin: testZone,
		Text:   soa("7") + "\n" + testZone + " 300 IN NS rpz-master.example.\n" + cname("a") + "\n" + cname("b") + "\n",
		Journal: []deltaFile{
			{From: soa("5"), To: soa("6"), Removed: []string{cname("x1"), cname("x2")}, Added: []string{cname("a")}},
			{From: soa("6"), To: soa("7"), Removed: []string{cname("y")}, Added: []string{cname("b")}},
		},
	}
	payload, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir()
	dir, err := state.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := dir.Write(zoneStateName(testZone), payload); err != nil {
		t.Fatal(err)
	}
	logs := &testtool.LogBuffer{}
	s := startWithState(t, path, newClock(), &fakeSource{err: errors.New("MISP unavailable")}, logs)
	if got := s.Serial(testZone); got != 7 {
		t.Fatalf("serial after restore %d, want 7\n%s", got, logs)
	}
	axfr := transfer(t, s, dns.TypeAXFR, 0)
	tests := []struct {
		name   string
		serial uint32
		want   string
	}{
		{"through both changes", 5, axfr},
		{"through the last change", 6, rrText([]dns.RR{
			mustRR(t, soa("7")), mustRR(t, soa("6")), mustRR(t, cname("y")), mustRR(t, soa("7")), mustRR(t, cname("b")), mustRR(t, soa("7")),
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := transfer(t, s, dns.TypeIXFR, tt.serial); got != tt.want {
				t.Errorf("IXFR from %d:\n%swant:\n%s", tt.serial, got, tt.want)
			}
		})
	}
}

func mustRR(t *testing.T, s string) dns.RR {
	t.Helper()
	rr, err := dns.NewRR(s)
	if err != nil {
		t.Fatal(err)
	}
	return rr
}

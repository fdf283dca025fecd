package dnsprimary

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/internal/testtool"
)

// startWithState starts a server over the state directory path whose log
// also goes to logs.
func startWithState(t *testing.T, path string, clk *testtool.Clock, src *fakeSource, logs *testtool.LogBuffer, journal ...int) *Server {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(logs, nil))
	dir, err := state.Open(path, logger)
	if err != nil {
		t.Fatal(err)
	}
	zone := newTestZone(src)
	if len(journal) > 0 {
		zone.JournalSize = journal[0]
	}
	return startOnStore(t, dir, clk, zone, logger)
}

// startOnStore starts a server of zone that keeps its state in store.
func startOnStore(t *testing.T, store StateStore, clk *testtool.Clock, zone Zone, logger *slog.Logger) *Server {
	t.Helper()
	s, err := New(Options{Addr: "127.0.0.1:0", Zones: []Zone{zone}, Logger: logger, Now: clk.Now, State: store})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func transfer(t *testing.T, s *Server, qtype uint16, serial uint32) string {
	t.Helper()
	return rrText(transferred(t, s, qtype, serial))
}

// A restart with the source failing serves the zone as it was: the same
// records, serial and IXFR journal; the same content from the source
// keeps the serial.
func TestZoneSurvivesRestart(t *testing.T) {
	path := t.TempDir()
	clk := newClock()
	src := &fakeSource{text: policyZone(domainsV1, ipsV1...)}
	first := startWithState(t, path, clk, src, &testtool.LogBuffer{})
	changeZone(t, first, src, clk)
	axfr, ixfr := transfer(t, first, dns.TypeAXFR, 0), transfer(t, first, dns.TypeIXFR, testEpoch)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	clk.Set(time.Unix(testEpoch+3600, 0))
	down := &fakeSource{err: errors.New("MISP unavailable")}
	logs := &testtool.LogBuffer{}
	second := startWithState(t, path, clk, down, logs)
	if got := second.Serial(testZone); got != testEpoch+2 {
		t.Fatalf("serial after restart %d, want %d\n%s", got, testEpoch+2, logs)
	}
	if got := transfer(t, second, dns.TypeAXFR, 0); got != axfr {
		t.Errorf("AXFR after restart:\n%swant:\n%s", got, axfr)
	}
	if got := transfer(t, second, dns.TypeIXFR, testEpoch); got != ixfr {
		t.Errorf("IXFR after restart:\n%swant:\n%s", got, ixfr)
	}
	down.set(src.text, nil)
	if err := second.Refresh(context.Background(), testZone); err != nil {
		t.Fatal(err)
	}
	if got := second.Serial(testZone); got != testEpoch+2 {
		t.Errorf("serial after the same content %d, want %d", got, testEpoch+2)
	}
	if !strings.Contains(logs.String(), "zone restored from state_dir") {
		t.Errorf("restore not logged:\n%s", logs)
	}
}

// A journal kept under a larger JournalSize is served only as far as the
// current JournalSize reaches: the newest changes.
func TestRestoredJournalTrimmed(t *testing.T) {
	path := t.TempDir()
	clk := newClock()
	src := &fakeSource{text: policyZone(domainsV1, ipsV1...)}
	first := startWithState(t, path, clk, src, &testtool.LogBuffer{})
	changeZone(t, first, src, clk)
	fromFirst := transfer(t, first, dns.TypeIXFR, testEpoch+1)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second := startWithState(t, path, clk, &fakeSource{err: errors.New("MISP unavailable")}, &testtool.LogBuffer{}, 1)
	if got := transfer(t, second, dns.TypeIXFR, testEpoch+1); got != fromFirst {
		t.Errorf("IXFR from the kept change:\n%swant:\n%s", got, fromFirst)
	}
	axfr := transfer(t, second, dns.TypeAXFR, 0)
	if got := transfer(t, second, dns.TypeIXFR, testEpoch); got != axfr {
		t.Errorf("IXFR from the trimmed change is not the full zone:\n%swant:\n%s", got, axfr)
	}
}

func TestZoneStateCorrupt(t *testing.T) {
	for _, tc := range []struct {
		name    string
		payload string
		log     string
	}{
		{"not JSON", "{not json", "zone state is corrupt"},
		{"another zone", `{"origin":"other.zone.","text":"other.zone. 300 IN SOA a. b. 1 2 3 4 5\n"}`, "zone state is corrupt"},
		{"bad record", `{"origin":"rpz.cratos.","text":"rpz.cratos. 300 IN SOA a. b. 7 2 3 4 5\nx.rpz.cratos. 300 IN BOGUS .\n"}`, "zone state is corrupt"},
		{"SOA in the journal's records", `{"origin":"rpz.cratos.","text":"rpz.cratos. 300 IN SOA a. b. 7 2 3 4 5\n",` +
			`"journal":[{"from":"rpz.cratos. 300 IN SOA a. b. 6 2 3 4 5","to":"rpz.cratos. 300 IN SOA a. b. 7 2 3 4 5",` +
			`"removed":[],"added":["rpz.cratos. 300 IN SOA a. b. 9 2 3 4 5"]}]}`, "zone state is corrupt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := t.TempDir()
			dir, err := state.Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := dir.Write(zoneStateName(testZone), []byte(tc.payload)); err != nil {
				t.Fatal(err)
			}
			logs := &testtool.LogBuffer{}
			s := startWithState(t, path, newClock(), &fakeSource{err: errors.New("down")}, logs)
			if got := s.Serial(testZone); got != 0 {
				t.Fatalf("corrupt state served with serial %d", got)
			}
			if !strings.Contains(logs.String(), tc.log) {
				t.Fatalf("log lacks %q:\n%s", tc.log, logs)
			}
		})
	}
}

// A kept journal is served to secondaries as IXFR: one that is not a
// chain of increasing serials ending at the zone's SOA, or that holds
// records a zone cannot, makes the whole file refused.
func TestDecodeZoneJournal(t *testing.T) {
	soa := func(serial string) string { return testZone + " 300 IN SOA a. b. " + serial + " 2 3 4 5" }
	text := soa("7") + "\nbad.example." + testZone + " 300 IN CNAME .\n"
	type entry struct {
		from, to       string
		removed, added []string
	}
	file := func(entries ...entry) []byte {
		f := zoneFile{Origin: testZone, Text: text}
		for _, e := range entries {
			f.Journal = append(f.Journal, deltaFile{From: e.from, To: e.to, Removed: e.removed, Added: e.added})
		}
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cname := "bad.example." + testZone + " 300 IN CNAME ."
	for _, tc := range []struct {
		name    string
		payload []byte
		err     string
	}{
		{"chain", file(entry{soa("5"), soa("6"), nil, []string{cname}}, entry{soa("6"), soa("7"), []string{cname}, []string{cname}}), ""},
		{"a gap", file(entry{soa("5"), soa("6"), nil, nil}, entry{soa("4"), soa("7"), nil, nil}),
			"journal entry 1 starts at serial 4, not at 6"},
		{"serial backwards", file(entry{soa("8"), soa("7"), nil, nil}),
			"journal entry 0 goes from serial 8 back to 7"},
		{"SOA of another zone", file(entry{"other.zone. 300 IN SOA a. b. 6 2 3 4 5", soa("7"), nil, nil}),
			"journal entry 0: SOA other.zone. is not at the zone apex"},
		{"an SOA among the records", file(entry{soa("6"), soa("7"), nil, []string{soa("9")}}),
			"journal entry 0: " + testZone + " SOA among the records"},
		{"a record outside the zone", file(entry{soa("6"), soa("7"), []string{"evil.example. 300 IN A 192.0.2.1"}, nil}),
			"journal entry 0: evil.example.: owner outside the zone " + testZone},
		{"a record of class CH", file(entry{soa("6"), soa("7"), nil, []string{"x." + testZone + " 300 CH A 192.0.2.1"}}),
			"journal entry 0: x." + testZone + ": class CH, want IN"},
		{"ends at another SOA", file(entry{soa("6"), testZone + " 300 IN SOA a. b. 7 2 3 4 99", nil, nil}),
			"the journal does not end at the zone's SOA"},
		{"ends at another serial", file(entry{soa("5"), soa("6"), nil, nil}),
			"the journal does not end at the zone's SOA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap, err := decodeZone(testZone, tc.payload)
			if tc.err == "" {
				if err != nil || snap.soa.Serial != 7 || len(snap.journal) != 2 {
					t.Fatalf("decode: %v", err)
				}
				return
			}
			if err == nil || err.Error() != tc.err {
				t.Fatalf("decode error %v, want %q", err, tc.err)
			}
		})
	}
}

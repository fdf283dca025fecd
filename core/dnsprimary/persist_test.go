package dnsprimary

import (
	"context"
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
func startWithState(t *testing.T, path string, clk *testtool.Clock, src *fakeSource, logs *testtool.LogBuffer) *Server {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(logs, nil))
	dir, err := state.Open(path, logger)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Addr: "127.0.0.1:0", Zones: []Zone{newTestZone(src)}, Logger: logger, Now: clk.Now, State: dir})
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
	envs, err := xfr(t, s.Addr(), qtype, serial, nil)
	if err != nil {
		t.Fatalf("transfer: %v", err)
	}
	return rrText(flatten(envs))
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

func TestZoneStateCorrupt(t *testing.T) {
	for _, tc := range []struct {
		name    string
		payload string
		log     string
	}{
		{"not JSON", "{not json", "zone state is corrupt"},
		{"another zone", `{"origin":"other.zone.","text":"other.zone. 300 IN SOA a. b. 1 2 3 4 5\n"}`, "zone state is corrupt"},
		{"bad record", `{"origin":"rpz.cratos.","text":"rpz.cratos. 300 IN SOA a. b. 7 2 3 4 5\nx.rpz.cratos. 300 IN BOGUS .\n"}`, "zone state is corrupt"},
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

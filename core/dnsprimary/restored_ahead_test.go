package dnsprimary

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/internal/testtool"
)

// fullDisk is a state store whose writes fail while full is set, as on a
// full or read-only disk.
type fullDisk struct {
	*state.Dir
	full atomic.Bool
}

func (f *fullDisk) Write(name string, payload []byte) error {
	if f.full.Load() {
		return errors.New("no space left on device")
	}
	return f.Dir.Write(name, payload)
}

// startWithStore starts a server of src's zone over store whose log goes
// to logs.
func startWithStore(t *testing.T, store StateStore, clk *testtool.Clock, src *fakeSource, logs *testtool.LogBuffer) *Server {
	t.Helper()
	return startOnStore(t, store, clk, newTestZone(src), slog.New(slog.NewTextHandler(logs, nil)))
}

// A zone restored from state_dir may be older than what its secondaries
// hold (its last change was not kept: a full disk, a crash, a backup), so
// a secondary ahead of it is not moved onto it: that would replace the
// secondary's newer zone with the older one. Once a build from the
// source has given the zone's current content, the serial moves past a
// secondary ahead as before.
func TestRestoredZoneDoesNotPassASecondaryAhead(t *testing.T) {
	dir, err := state.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	store := &fullDisk{Dir: dir}
	clk := newClock()
	src := &fakeSource{text: policyZone(domainsV1, ipsV1...)}
	logs := &testtool.LogBuffer{}
	first := startWithStore(t, store, clk, src, logs)
	store.full.Store(true)
	src.set(policyZone(domainsV2, ipsV1...), nil)
	clk.Set(time.Unix(testEpoch+1, 0))
	if err := first.Refresh(context.Background(), testZone); err != nil {
		t.Fatal(err)
	}
	newer := transfer(t, first, dns.TypeAXFR, 0) // what the secondaries take
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "zone not kept in state_dir") {
		t.Fatalf("failed save not logged:\n%s", logs)
	}

	store.full.Store(false)
	clk.Set(time.Unix(testEpoch+60, 0))
	down := &fakeSource{err: errors.New("MISP unavailable")}
	second := startWithStore(t, store, clk, down, &testtool.LogBuffer{})
	if got := second.Serial(testZone); got != testEpoch {
		t.Fatalf("restored serial %d, want %d", got, testEpoch)
	}
	if got := transfer(t, second, dns.TypeIXFR, testEpoch+1); got != soaText(testEpoch) {
		t.Fatalf("IXFR from the secondary holding the newer zone:\n%swant the SOA alone", got)
	}
	if got := second.Serial(testZone); got != testEpoch {
		t.Fatalf("serial %d after the IXFR, want %d", got, testEpoch)
	}

	down.set(src.text, nil)
	if err := second.Refresh(context.Background(), testZone); err != nil {
		t.Fatal(err)
	}
	if got := second.Serial(testZone); got != testEpoch+60 {
		t.Fatalf("serial after the build %d, want %d", got, testEpoch+60)
	}
	if got, want := transfer(t, second, dns.TypeIXFR, testEpoch+500), strings.ReplaceAll(newer, soaText(testEpoch+1), soaText(testEpoch+501)); got != want {
		t.Errorf("IXFR from a secondary ahead after a build:\n%swant the whole zone:\n%s", got, want)
	}
}

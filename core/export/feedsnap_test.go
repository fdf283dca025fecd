package export_test

import (
	"context"
	"crypto/sha256"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
	"github.com/cratos-project/cratos/renderers"
	_ "github.com/cratos-project/cratos/renderers/txt"
)

// emulated is a MISP emulator on a settable clock, served on loopback,
// and a site reading it.
type emulated struct {
	clock atomic.Int64
	sim   *mispsim.Server
	url   string
	site  *config.Site
}

func newEmulated(t *testing.T, generate, pageSize int) *emulated {
	e := &emulated{}
	e.clock.Store(time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC).Unix())
	e.sim, e.url = misptest.Start(t, mispsim.Options{Generate: generate, Seed: 1, Now: e.now})
	off := false
	e.site = emulatorSite(e.url, 600, pageSize)
	e.site.Guard.Warninglists = &off
	return e
}

// emulatorSite is a site reading the emulator at url.
func emulatorSite(url string, timeoutSeconds, pageSize int) *config.Site {
	host, _, _ := net.SplitHostPort(strings.TrimPrefix(url, "http://"))
	return &config.Site{Name: host, Tag: "cratos", MISPTimeoutSeconds: timeoutSeconds, PageSize: pageSize, ExpandLimit: 16}
}

func (e *emulated) now() time.Time { return time.Unix(e.clock.Load(), 0) }

// addEventsHourOld adds events to the emulator, each and its attributes
// last changed an hour before the emulator's clock.
func (e *emulated) addEventsHourOld(t *testing.T, events ...mispsim.Event) {
	t.Helper()
	for _, ev := range events {
		ev.Timestamp = e.clock.Load() - 3600
		for i := range ev.Attributes {
			ev.Attributes[i].Timestamp = ev.Timestamp
		}
		if _, err := e.sim.AddEvent(ev); err != nil {
			t.Fatal(err)
		}
	}
}

// service is a Service over an in-memory cache on the emulator's clock.
func (e *emulated) service(opts export.Options) *export.Service {
	opts.Now = e.now
	return memoryService(opts)
}

// memoryService is a Service with the built-in renderers over a new
// in-memory cache of 1 GiB.
func memoryService(opts export.Options) *export.Service {
	secret := sha256.Sum256([]byte("t"))
	opts.Renderers, opts.Store, opts.KeySecret = renderers.Builtin(), cache.NewMemory(1<<30), secret[:]
	return export.New(opts)
}

// Lists of one feed come from one read; a refresh brings a new attribute;
// the periodic full read finds a write the refresh could not see (stamped
// long before it) and counts it.
func TestFeedSnapshotRefreshAndReconcile(t *testing.T) {
	e := newEmulated(t, 0, 1000)
	clock, sim, url, site := &e.clock, e.sim, e.url, e.site
	block := []string{"cratos:incident-classification=block"}
	if _, err := sim.AddEvent(mispsim.Event{Info: "a", Published: true, Tags: block, Attributes: []mispsim.Attribute{
		{Type: "ip-dst", Value: "100.128.0.1", ToIDS: true}, {Type: "domain", Value: "a.example", ToIDS: true}}}); err != nil {
		t.Fatal(err)
	}
	svc := e.service(export.Options{ReconcileEvery: time.Hour})
	get := func(dt string) string {
		t.Helper()
		d, _ := indicator.LookupDataType(dt)
		res, err := svc.Get(context.Background(), export.Request{Site: site, MISPURL: url, MISPKey: mispsim.DefaultKey, Kind: export.KindFeed,
			Feed: "block", DataType: d, Age: "1y", Output: "txt", TTL: time.Minute, WaitFresh: true})
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(strings.ReplaceAll(string(res.Body), "\r", ""))
	}
	if got := get("ipv4") + "|" + get("domain"); got != "100.128.0.1|a.example" || sim.ResetCounters().RestSearchRequests != 1 {
		t.Fatalf("first lists %q, want one search", got)
	}
	clock.Add(120)
	if _, err := sim.AddEvent(mispsim.Event{Info: "b", Published: true, Tags: block, Attributes: []mispsim.Attribute{
		{Type: "ip-dst", Value: "100.128.0.2", ToIDS: true}}}); err != nil {
		t.Fatal(err)
	}
	// Stamped a day ago, as a synchronised event may be: no refresh sees it.
	old := clock.Load() - 86400
	if _, err := sim.AddEvent(mispsim.Event{Info: "c", Published: true, Timestamp: old, Tags: block, Attributes: []mispsim.Attribute{
		{Type: "domain", Value: "synced.example", ToIDS: true, Timestamp: old}}}); err != nil {
		t.Fatal(err)
	}
	if got := get("ipv4") + "|" + get("domain"); got != "100.128.0.1\n100.128.0.2|a.example" {
		t.Errorf("refreshed lists %q", got)
	}
	if n := svc.ReconcileDifferences(); n != 0 {
		t.Errorf("%d differences before any full read", n)
	}
	clock.Add(3600)
	if got := get("domain"); got != "a.example\nsynced.example" {
		t.Errorf("after the full read %q", got)
	}
	if n := svc.ReconcileDifferences(); n != 1 {
		t.Errorf("%d differences counted, want 1", n)
	}
}

var (
	bigSimOnce sync.Once
	bigSimURL  string
)

// bigSim serves 1,000,000 generated IP attributes on loopback for the
// rest of the test binary.
func bigSim(b *testing.B) string {
	bigSimOnce.Do(func() {
		sim := misptest.New(b, mispsim.Options{Generate: 1_000_000, Seed: 1, GenerateTypes: []string{"ip-dst", "ip-src", "ip-dst|port", "domain|ip"}})
		var err error
		if bigSimURL, err = sim.Start("127.0.0.1:0"); err != nil {
			b.Fatal(err)
		}
	})
	return bigSimURL
}

// BenchmarkColdBuild1M measures one cold feed build over 1,000,000 MISP
// attributes of the ipv4 data type's MISP types (the "any" feed) to txt:
// restSearch paging, decoding, canonicalisation, sorting and rendering.
func BenchmarkColdBuild1M(b *testing.B) {
	for _, dt := range []string{"ipv4"} {
		b.Run(dt, func(b *testing.B) {
			url := bigSim(b)
			site := emulatorSite(url, 120, 50000)
			d, _ := indicator.LookupDataType(dt)
			b.ResetTimer()
			for range b.N {
				svc := memoryService(export.Options{})
				res, err := svc.Get(context.Background(), export.Request{Site: site, MISPURL: url, MISPKey: mispsim.DefaultKey,
					Kind: export.KindFeed, Feed: "any", DataType: d, Age: "10y", Output: "txt", TTL: time.Minute})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(res.Entries), "entries")
				b.ReportMetric(float64(res.Invalid), "invalid")
			}
		})
	}
}

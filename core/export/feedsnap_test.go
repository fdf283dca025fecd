package export_test

import (
	"context"
	"crypto/sha256"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	_ "github.com/cratos-project/cratos/renderers/txt"
)

// Lists of one feed come from one read; a refresh brings a new attribute;
// the periodic full read finds a write the refresh could not see (stamped
// long before it) and counts it.
func TestFeedSnapshotRefreshAndReconcile(t *testing.T) {
	var clock atomic.Int64
	clock.Store(time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC).Unix())
	now := func() time.Time { return time.Unix(clock.Load(), 0) }
	sim, err := mispsim.New(mispsim.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	block := []string{"cratos:incident-classification=block"}
	if _, err := sim.AddEvent(mispsim.Event{Info: "a", Published: true, Tags: block, Attributes: []mispsim.Attribute{
		{Type: "ip-dst", Value: "100.64.0.1", ToIDS: true}, {Type: "domain", Value: "a.example", ToIDS: true}}}); err != nil {
		t.Fatal(err)
	}
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	host, _, _ := net.SplitHostPort(strings.TrimPrefix(url, "http://"))
	off := false
	site := &config.Site{Name: host, Tag: "cratos", MISPTimeoutSeconds: 60, PageSize: 1000, ExpandLimit: 16, Guard: config.Guard{Warninglists: &off}}
	secret := sha256.Sum256([]byte("t"))
	svc := export.New(export.Options{Renderers: renderers.Builtin(), Store: cache.NewMemory(1 << 20), KeySecret: secret[:], Now: now,
		ReconcileEvery: time.Hour})
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
	if got := get("ipv4") + "|" + get("domain"); got != "100.64.0.1|a.example" || sim.ResetCounters().RestSearchRequests != 1 {
		t.Fatalf("first lists %q, want one search", got)
	}
	clock.Add(120)
	if _, err := sim.AddEvent(mispsim.Event{Info: "b", Published: true, Tags: block, Attributes: []mispsim.Attribute{
		{Type: "ip-dst", Value: "100.64.0.2", ToIDS: true}}}); err != nil {
		t.Fatal(err)
	}
	// Stamped a day ago, as a synchronised event may be: no refresh sees it.
	old := clock.Load() - 86400
	if _, err := sim.AddEvent(mispsim.Event{Info: "c", Published: true, Timestamp: old, Tags: block, Attributes: []mispsim.Attribute{
		{Type: "domain", Value: "synced.example", ToIDS: true, Timestamp: old}}}); err != nil {
		t.Fatal(err)
	}
	if got := get("ipv4") + "|" + get("domain"); got != "100.64.0.1\n100.64.0.2|a.example" {
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

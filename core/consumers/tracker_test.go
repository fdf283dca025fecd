package consumers

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool"
)

var (
	fpFW  = strings.Repeat("a", 64)
	fpDNS = strings.Repeat("b", 64)
	fpAny = strings.Repeat("c", 64)
)

func newTracker(t *testing.T) (*Tracker, *testtool.Clock, *testtool.LogBuffer) {
	t.Helper()
	site := &config.Site{Name: "misp.example.net", Consumers: map[string]config.Consumer{
		fpFW:  {Name: "pa-fw-01", ExpectEvery: 5 * time.Minute},
		fpDNS: {Name: "dns-1"},
	}}
	clk := testtool.NewClock(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	logger, logs := testtool.JSONLogger()
	tr := New(Options{Sites: config.NewSites(site), Now: clk.Now, Logger: logger, MaxUnnamed: 2, MaxLists: 2})
	return tr, clk, logs
}

func pull(clk *testtool.Clock, fp, list string, status int) Pull {
	return Pull{Site: "misp.example.net", Fingerprint: fp, Time: clk.Now(), List: list, Status: status, Bytes: 100, ETag: `"e"`,
		UserAgent: "PAN-OS", Addr: "192.0.2.1", Entries: 7, Size: 120, Built: clk.Now().Add(-time.Minute), Cache: "MISS"}
}

func TestLateOnceAndBack(t *testing.T) {
	tr, clk, logs := newTracker(t)
	byName := func() map[string]Status {
		m := map[string]Status{}
		for _, s := range tr.Consumers() {
			m[s.Name] = s
		}
		return m
	}
	if st := byName(); len(st) != 2 || st["pa-fw-01"].Late || !st["pa-fw-01"].Last.Time.IsZero() {
		t.Fatalf("at start: %+v", st)
	}
	// Never pulled: late three intervals after the start, not before.
	clk.Advance(15 * time.Minute)
	if n := tr.Check(); n != 0 || byName()["pa-fw-01"].Late {
		t.Fatalf("late at exactly 3 intervals: %d", n)
	}
	clk.Advance(time.Second)
	if n := tr.Check(); n != 1 || !byName()["pa-fw-01"].Late {
		t.Fatalf("not late after 3 intervals and a second: %d", n)
	}
	tr.Check()
	tr.Check()
	if got := len(logs.Records("consumer late")); got != 1 {
		t.Fatalf("consumer late logged %d times, want once: %s", got, logs)
	}
	rec := logs.Records("consumer late")[0]
	if rec["consumer"] != "pa-fw-01" || rec["last_pull"] != "never" || rec["expect_every"] != "5m0s" {
		t.Errorf("late line %v", rec)
	}
	// dns-1 has no expect_every: never late.
	if byName()["dns-1"].Late {
		t.Error("a consumer without expect_every is late")
	}

	tr.Record(pull(clk, fpFW, "/v1/feed/block/type/ipv4/age/1y/output/edl", 200))
	if got := len(logs.Records("consumer pulling again")); got != 1 {
		t.Errorf("pulling again logged %d times", got)
	}
	st := byName()["pa-fw-01"]
	if st.Late || st.Last.List != "/v1/feed/block/type/ipv4/age/1y/output/edl" || st.Last.UserAgent != "PAN-OS" || st.Last.Addr != "192.0.2.1" ||
		!st.Due.Equal(clk.Now().Add(15*time.Minute)) {
		t.Errorf("after a pull: %+v", st)
	}
	// A later lapse is logged again, once.
	clk.Advance(16 * time.Minute)
	tr.Check()
	tr.Check()
	if got := len(logs.Records("consumer late")); got != 2 {
		t.Errorf("second lapse logged %d times in all, want 2", got)
	}
	// A failed pull is still a pull: the device is alive, and its status shows why.
	tr.Record(pull(clk, fpFW, "/v1/feed/block/type/ipv4/age/1y/output/edl", 503))
	if st := byName()["pa-fw-01"]; st.Late || st.Last.Status != 503 {
		t.Errorf("after a failed pull: %+v", st)
	}
}

func TestUnnamedBoundedAndLists(t *testing.T) {
	tr, clk, _ := newTracker(t)
	for i := range 3 {
		tr.Record(pull(clk, fmt.Sprintf("%064x", i), "/v1/feed/block/type/domain/age/1y/output/rpz", 200))
		clk.Advance(time.Second)
	}
	tr.Record(pull(clk, fpDNS, "/v1/feed/block/type/domain/age/1y/output/rpz", 200))
	un := tr.Unnamed()
	if len(un) != 2 || un[0].Fingerprint != fmt.Sprintf("%064x", 2) || un[1].Fingerprint != fmt.Sprintf("%064x", 1) {
		t.Errorf("unnamed, newest first, oldest forgotten: %+v", un)
	}

	tr, clk, _ = newTracker(t)
	a, b, c := "/v1/feed/block/type/ipv4/age/1y/output/txt", "/v1/feed/block/type/url/age/1y/output/txt", "/v1/feed/hunt/type/url/age/1y/output/txt"
	tr.Record(pull(clk, fpAny, a, 200))
	clk.Advance(time.Second)
	p := pull(clk, fpAny, a, 304)
	p.Cache = "STALE"
	tr.Record(p)
	bad := pull(clk, fpAny, b, 502)
	bad.Entries = -1
	tr.Record(bad)
	lists := tr.Lists()
	if len(lists) != 1 || lists[0].List != a || lists[0].Pulls != 2 || !lists[0].Stale() || !lists[0].LastServed.Equal(clk.Now()) || lists[0].Entries != 7 {
		t.Fatalf("lists: %+v", lists)
	}
	clk.Advance(time.Second)
	tr.Record(pull(clk, fpAny, b, 200))
	clk.Advance(time.Second)
	tr.Record(pull(clk, fpAny, c, 200)) // forgets the least recently served
	lists = tr.Lists()
	if len(lists) != 2 || lists[0].List != b || lists[1].List != c {
		t.Errorf("bounded lists: %+v", lists)
	}
}

func TestClipsClientText(t *testing.T) {
	tr, clk, _ := newTracker(t)
	p := pull(clk, fpFW, "/"+strings.Repeat("x", 2000), 200)
	p.UserAgent = strings.Repeat("é", 500)
	tr.Record(p)
	st := tr.Consumers()
	for _, s := range st {
		if s.Name == "pa-fw-01" && (len(s.Last.List) != maxList || len(s.Last.UserAgent) > maxUserAgent || !strings.HasPrefix(s.Last.UserAgent, "é")) {
			t.Errorf("clipped: %d %d", len(s.Last.List), len(s.Last.UserAgent))
		}
	}
}

func TestMetrics(t *testing.T) {
	tr, clk, _ := newTracker(t)
	reg := prometheus.NewRegistry()
	if err := reg.Register(tr); err != nil {
		t.Fatal(err)
	}
	tr.Record(pull(clk, fpDNS, "/v1/feed/block/type/domain/age/1y/output/rpz", 200))
	clk.Advance(16 * time.Minute)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			got[mf.GetName()+"{"+strings.Join(labels, ",")+"}"] = m.GetGauge().GetValue()
		}
	}
	want := map[string]float64{
		"cratos_consumer_last_pull_timestamp_seconds{consumer=dns-1,site=misp.example.net}":  float64(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC).Unix()),
		"cratos_consumer_late{consumer=dns-1,site=misp.example.net}":                         0,
		"cratos_consumer_late{consumer=pa-fw-01,site=misp.example.net}":                      1,
		"cratos_consumer_expected_interval_seconds{consumer=dns-1,site=misp.example.net}":    0,
		"cratos_consumer_expected_interval_seconds{consumer=pa-fw-01,site=misp.example.net}": 300,
	}
	if len(got) != len(want) {
		t.Errorf("got %v", got)
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
}

// BenchmarkRecord is the cost a list request pays to be recorded, from
// several goroutines at once.
func BenchmarkRecord(b *testing.B) {
	site := &config.Site{Name: "misp.example.net", Consumers: map[string]config.Consumer{fpFW: {Name: "pa-fw-01", ExpectEvery: time.Minute}}}
	tr := New(Options{Sites: config.NewSites(site)})
	p := Pull{Site: "misp.example.net", Fingerprint: fpFW, Time: time.Now(), List: "/v1/feed/block/type/ipv4/age/1y/output/edl",
		Status: 200, Bytes: 1000, ETag: `"abc"`, UserAgent: "PAN-OS", Addr: "192.0.2.1", Entries: 10, Size: 1000, Cache: "HIT"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			tr.Record(p)
		}
	})
}

// A reload that names tokens the tracker remembered as unnamed, or
// forgets the names of others, leaves room for MaxUnnamed unnamed tokens:
// no fewer (the console would show only the newest) and no more.
func TestUnnamedBoundAcrossReloads(t *testing.T) {
	site := &config.Site{Name: "misp.example.net"}
	clk := testtool.NewClock(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	tr := New(Options{Sites: config.NewSites(site), Now: clk.Now, MaxUnnamed: 2})
	fp := func(i int) string { return fmt.Sprintf("%064x", i) }
	record := func(i int) {
		tr.Record(pull(clk, fp(i), "/v1/feed/block/type/domain/age/1y/output/rpz", 200))
		clk.Advance(time.Second)
	}
	unnamed := func() []string {
		var out []string
		for _, p := range tr.Unnamed() {
			out = append(out, p.Fingerprint[60:])
		}
		return out
	}
	reload := func(named ...int) {
		st := &config.Site{Name: site.Name, Consumers: map[string]config.Consumer{}}
		for _, i := range named {
			st.Consumers[fp(i)] = config.Consumer{Name: fmt.Sprintf("dev-%d", i)}
		}
		*site = *st // the tracker reads the site as a reload leaves it
	}

	record(0)
	record(1)
	reload(0, 1)
	record(2)
	record(3)
	if got := unnamed(); strings.Join(got, ",") != "0003,0002" {
		t.Errorf("after naming two tokens, unnamed %v, want the two newest (0003, 0002)", got)
	}
	reload()
	record(4)
	if got := unnamed(); strings.Join(got, ",") != "0004,0003" {
		t.Errorf("after forgetting two names, unnamed %v, want the two newest (0004, 0003)", got)
	}
}

package export_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
	_ "github.com/cratos-project/cratos/renderers/json"
)

// TestMeasureFeedReads reports what MISP does for one feed: the first
// fill of every data type at three ages, then a refresh after 1,000
// attribute edits spread over the store, then after 1,000 edits in one
// event. It runs only with CRATOS_MEASURE_ATTRS=<generated attributes>:
//
//	CRATOS_MEASURE_ATTRS=1000000 go test ./core/export -run MeasureFeedReads -v -timeout 60m
func TestMeasureFeedReads(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("CRATOS_MEASURE_ATTRS"))
	if n <= 0 {
		t.Skip("set CRATOS_MEASURE_ATTRS to the number of generated attributes to measure")
	}
	e := newEmulated(t, n, 25000)
	clock, sim, url, site, now := &e.clock, e.sim, e.url, e.site, e.now
	svc := e.service(export.Options{Limits: export.Limits{ColdBuildsPerMinute: 1 << 20, MISPMaxAttributes: 10_000_000}})
	get := func(feed string, types []indicator.DataType, ages []string) (entries int) {
		for _, dt := range types {
			for _, age := range ages {
				res, err := svc.Get(context.Background(), export.Request{Site: site, MISPURL: url, MISPKey: mispsim.DefaultKey,
					Kind: export.KindFeed, Feed: feed, DataType: dt, Age: age, Output: "json", TTL: time.Minute, Consumer: "m", WaitFresh: true})
				if err != nil {
					t.Fatalf("%s %s: %v", dt.Name, age, err)
				}
				entries += res.Entries
			}
		}
		return entries
	}
	report := func(what string, start time.Time, entries int) {
		c := sim.ResetCounters()
		t.Logf("%s: %d restSearch requests, %d event index requests, %d attributes returned, %d list entries, %.1f s", what,
			c.RestSearchRequests, c.Paths["/events/index"], c.AttributesReturned, entries, time.Since(start).Seconds())
	}
	edit := func(ids []int64) {
		client := &http.Client{}
		for _, id := range ids {
			req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/attributes/edit/%d", url, id), strings.NewReader(`{"to_ids":false,"comment":"edited"}`))
			req.Header.Set("Authorization", mispsim.DefaultKey)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
	}
	for _, feed := range []string{"incident", "block"} {
		sim.ResetCounters()
		start := time.Now()
		report(feed+": first fill, 26 data types x 3 ages", start, get(feed, indicator.DataTypes(), []string{"1d", "1m", "1y"}))
		if feed == "incident" {
			start = time.Now()
			read := perList(t, site, url, feed, now())
			report(feed+fmt.Sprintf(": the same lists with one search each (the previous design; %d attributes read)", read), start, 0)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		spread := make([]int64, 1000)
		for i := range spread {
			spread[i] = 1 + rng.Int64N(int64(n))
		}
		concentrated := make([]int64, 1000)
		for i := range concentrated {
			concentrated[i] = int64(n/2) + int64(i)
		}
		for _, c := range []struct {
			name string
			ids  []int64
		}{{"1,000 edits spread over the store", spread}, {"1,000 edits in one event", concentrated}} {
			edit(c.ids)
			clock.Add(600) // the next refresh's window starts after these edits
			sim.ResetCounters()
			start = time.Now()
			report(feed+": refresh after "+c.name, start, get(feed, indicator.DataTypes()[1:2], []string{"1d"}))
		}
	}
	// Each search of one refresh of the incident feed, after 1,000 more
	// edits spread over the store.
	client := misp.New(misp.Options{Site: site.Name, BaseURL: url, Key: mispsim.DefaultKey, Timeout: 10 * time.Minute, MaxAttributes: 10_000_000})
	search := func(ctx context.Context, q misp.Query, newSink func() func(indicator.Attribute)) (int, error) {
		n, err := client.SearchAttributes(ctx, q, site.PageSize, 2, newSink)
		body := string(q.Body(0, 0))
		if len(body) > 300 {
			body = body[:300] + "…"
		}
		t.Logf("  %d attributes: %s", n, body)
		return n, err
	}
	q, _ := export.BuildQuery(site, export.KindFeed, "incident", "", indicator.DataType{MISPTypes: []string{"ip-dst", "domain", "url"}}, time.Unix(0, 0))
	q.Timestamp, q.ToIDS = 0, false
	events := func(ctx context.Context, f misp.EventFilter) ([]misp.EventState, error) {
		seen, err := client.Events(ctx, f)
		body := string(f.Body())
		if len(body) > 300 {
			body = body[:300] + "…"
		}
		t.Logf("  %d events: /events/index %s", len(seen), body)
		return seen, err
	}
	src := feedsnap.Source{Search: search, Events: events}
	snap, _, err := feedsnap.Full(context.Background(), src, q, now())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	more := make([]int64, 1000)
	for i := range more {
		more[i] = 1 + rng.Int64N(int64(n))
	}
	edit(more)
	clock.Add(600)
	t.Log("searches of one refresh (types ip-dst, domain, url):")
	if _, _, err := feedsnap.Refresh(context.Background(), src, q, snap, now(), feedsnap.DefaultMargin); err != nil {
		t.Fatal(err)
	}
}

// perList runs the searches of every data type and age of feed as each
// list asked them before feed snapshots, and returns the attributes read.
func perList(t *testing.T, site *config.Site, url, feed string, now time.Time) (attributes int) {
	client := misp.New(misp.Options{Site: site.Name, BaseURL: url, Key: mispsim.DefaultKey, Timeout: 10 * time.Minute, MaxAttributes: 10_000_000})
	for _, dt := range indicator.DataTypes() {
		for _, age := range []string{"1d", "1m", "1y"} {
			since, _ := export.Since(age, now)
			q, err := export.BuildQuery(site, export.KindFeed, feed, "", dt, since)
			if err != nil {
				t.Fatal(err)
			}
			n, err := client.SearchAttributes(context.Background(), q, site.PageSize, 2, func() func(indicator.Attribute) { return func(indicator.Attribute) {} })
			if err != nil {
				t.Fatal(err)
			}
			attributes += n
		}
	}
	return attributes
}

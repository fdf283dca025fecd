package export_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
)

// renameTag renames, in the emulator, the tag called from to to.
func renameTag(t *testing.T, e *emulated, from, to string) {
	t.Helper()
	var found []struct{ Tag struct{ ID, Name string } }
	if err := json.Unmarshal(mispCall(t, e, "/tags/search", map[string]any{"tag": from}), &found); err != nil || len(found) != 1 {
		t.Fatalf("tag %q: %v %+v", from, err, found)
	}
	mispCall(t, e, "/tags/edit/"+found[0].Tag.ID, map[string]any{"Tag": map[string]string{"name": to}})
}

// mispCall posts body to the emulator's path and returns its 200 answer.
func mispCall(t *testing.T, e *emulated, path string, body any) []byte {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, e.url+path, bytes.NewReader(b))
	req.Header.Set("Authorization", mispsim.DefaultKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, out)
	}
	return out
}

// Renaming a tag moves no timestamp (MISP's tags table has no date), yet
// the feed's tags filter then matches it by its new name only: the
// refresh after the rename brings the events a tag renamed to the feed's
// (or away from the false-positive one) gives the feed, and drops the
// attributes a tag renamed away from it took, rather than waiting for the
// next full read. The refreshes ask MISP a handful of requests, not a read
// per event.
func TestRefreshSeesATagRenamed(t *testing.T) {
	const (
		block = "cratos:incident-classification=block"
		fp    = "cratos:incident-classification=false-positive"
		watch = "cratos:incident-classification=watch"
	)
	attr := func(v string, tags ...string) mispsim.Attribute {
		return mispsim.Attribute{Type: "ip-dst", Value: v, ToIDS: true, Tags: tags}
	}
	tests := []struct {
		name          string
		feed          string
		events        []mispsim.Event
		from, to      string
		before, after string
	}{
		{"a typo fixed to the feed's tag", "hunt", []mispsim.Event{
			{Info: "typo", Tags: []string{"cratos:incident-classification=hnut"}, Attributes: []mispsim.Attribute{attr("100.128.0.1")}},
			{Info: "other", Tags: []string{"cratos:incident-classification=alert"}, Attributes: []mispsim.Attribute{attr("100.128.0.2")}},
		}, "cratos:incident-classification=hnut", "cratos:incident-classification=hunt", "", "100.128.0.1"},
		{"the false-positive tag renamed away", "block", []mispsim.Event{
			{Info: "fp", Published: true, Tags: []string{block, fp}, Attributes: []mispsim.Attribute{attr("100.128.0.1")}},
			{Info: "held", Published: true, Tags: []string{block}, Attributes: []mispsim.Attribute{attr("100.128.0.2")}},
		}, fp, "cratos:incident-classification=false-positive-reviewed", "100.128.0.2", "100.128.0.1\n100.128.0.2"},
		{"an attribute's feed tag renamed away", "cust1", []mispsim.Event{
			{Info: "held", Published: true, Tags: []string{block}, Attributes: []mispsim.Attribute{attr("100.128.0.2")}},
			{Info: "attr", Published: true, Tags: []string{"tlp:green"}, Attributes: []mispsim.Attribute{attr("100.128.0.1", watch), attr("100.128.0.3")}},
		}, watch, "cratos:incident-classification=watched", "100.128.0.1\n100.128.0.2", "100.128.0.2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEmulated(t, 0, 1000)
			e.site.CustomFeeds = config.CustomFeeds{{Name: "cust1", Suffixes: []string{":incident-classification=block", ":incident-classification=watch"}}}
			e.addEventsHourOld(t, tc.events...)
			svc := e.service(export.Options{ReconcileEvery: time.Hour})
			if got := ipv4List(t, svc, e, e.site, tc.feed); got != tc.before {
				t.Fatalf("first list %q, want %q", got, tc.before)
			}
			e.clock.Add(120)
			renameTag(t, e, tc.from, tc.to)
			e.clock.Add(120)
			e.sim.ResetCounters()
			if got := ipv4List(t, svc, e, e.site, tc.feed); got != tc.after {
				t.Errorf("list after the rename %q, want %q", got, tc.after)
			}
			c := e.sim.ResetCounters()
			e.clock.Add(120)
			if got := ipv4List(t, svc, e, e.site, tc.feed); got != tc.after {
				t.Errorf("list a refresh later %q, want %q", got, tc.after)
			}
			again := e.sim.ResetCounters()
			for i, c := range []mispsim.Counters{c, again} {
				if c.Requests > 6 {
					t.Errorf("refresh %d asked MISP %d requests, want at most 6: %v", i+1, c.Requests, c.Paths)
				}
			}
			if n := svc.ReconcileDifferences(); n != 0 {
				t.Errorf("%d differences", n)
			}
		})
	}
}

package metrics

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/export"
)

// orgList names the list of organisation i, as the uuid route does.
func orgList(i int) export.ListLabels {
	return export.ListLabels{Site: "s", Feed: fmt.Sprintf("org:%08x-0000-4000-8000-000000000000", i), DataType: "ipv4", Output: "txt"}
}

// seriesOf returns the lines of text that are samples of name.
func seriesOf(text, name string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, name+"{") {
			out = append(out, line)
		}
	}
	return out
}

// TestListSeriesBounded: a client asking the uuid route for ever new
// organisations adds no series past maxLists; the most recently built
// lists are the ones kept, with their values.
func TestListSeriesBounded(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	m := New()
	m.lists.now = func() time.Time { return now }
	const built = maxLists + 10
	for i := range built {
		now = now.Add(time.Second)
		m.BuiltList(orgList(i), time.Millisecond, i, 1)
	}
	text := scrape(t, m)
	for _, name := range []string{"cratos_feed_entries", "cratos_feed_invalid_values", "cratos_feed_last_success_timestamp_seconds", "cratos_feed_staleness_seconds"} {
		if n := len(seriesOf(text, name)); n != maxLists {
			t.Errorf("%s: %d series after %d lists, want %d", name, n, built, maxLists)
		}
	}
	newest, oldest := orgList(built-1), orgList(0)
	want := fmt.Sprintf(`cratos_feed_entries{data_type="ipv4",feed=%q,output="txt",site="s"} %d`, newest.Feed, built-1)
	if !strings.Contains(text, want+"\n") {
		t.Errorf("/metrics lacks %s", want)
	}
	if strings.Contains(text, oldest.Feed) {
		t.Errorf("/metrics still has the least recently built list %s", oldest.Feed)
	}
}

// TestListSeriesOfServedSitesOnly: once a reload removes or disables a
// site, its lists leave the series rather than growing stale for good.
func TestListSeriesOfServedSitesOnly(t *testing.T) {
	m := New()
	served := map[string]bool{"a.example": true, "b.example": true, "c.example": true}
	m.KnowSites(func(site string) bool { return served[site] })
	for site := range served {
		m.BuiltList(export.ListLabels{Site: site, Feed: "block", DataType: "ipv4", Output: "txt"}, time.Millisecond, 3, 0)
	}
	delete(served, "b.example")
	served["c.example"] = false
	text := scrape(t, m)
	for _, name := range []string{"cratos_feed_entries", "cratos_feed_invalid_values", "cratos_feed_last_success_timestamp_seconds", "cratos_feed_staleness_seconds"} {
		got := seriesOf(text, name)
		if len(got) != 1 || !strings.Contains(got[0], `site="a.example"`) {
			t.Errorf("%s: %q, want the series of a.example only", name, got)
		}
	}
}

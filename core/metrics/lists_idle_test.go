package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/export"
)

// TestListSeriesOfIdleListsDropped: a list neither built nor asked for
// in listIdle leaves the per-list series, rather than a staleness that
// grows until the alert fires for a list no one uses; a list still asked
// for while its builds fail keeps its growing staleness.
func TestListSeriesOfIdleListsDropped(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	m := New()
	m.lists.now = func() time.Time { return now }
	list := func(feed string) export.ListLabels {
		return export.ListLabels{Site: "s", Feed: feed, DataType: "ipv4", Output: "txt"}
	}
	for _, feed := range []string{"once", "asked", "rebuilt"} {
		m.BuiltList(list(feed), time.Millisecond, 3, 0)
		m.GuardKeptOut(list(feed), map[string]int{"guard: reserved": 1})
	}
	now = now.Add(listIdle - time.Hour)
	m.RequestedList(list("asked"))
	m.BuiltList(list("rebuilt"), time.Millisecond, 4, 0)
	now = now.Add(2 * time.Hour)
	m.RequestedList(list("never built"))

	text := scrape(t, m)
	for _, tc := range []struct {
		feed string
		kept bool
	}{{"once", false}, {"asked", true}, {"rebuilt", true}, {"never built", false}} {
		for _, name := range []string{"cratos_feed_entries", "cratos_feed_invalid_values", "cratos_feed_last_success_timestamp_seconds", "cratos_feed_staleness_seconds", "cratos_guard_kept_out"} {
			got := 0
			for _, line := range seriesOf(text, name) {
				if strings.Contains(line, `feed="`+tc.feed+`"`) {
					got++
				}
			}
			if want := map[bool]int{true: 1, false: 0}[tc.kept && tc.feed != "never built"]; got != want {
				t.Errorf("%s of %q: %d series, want %d", name, tc.feed, got, want)
			}
		}
	}
	stale := `cratos_feed_staleness_seconds{data_type="ipv4",feed="asked",output="txt",site="s"} 90000`
	if !strings.Contains(text, stale+"\n") {
		t.Errorf("/metrics lacks %s", stale)
	}
}

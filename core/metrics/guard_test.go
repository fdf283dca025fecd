package metrics

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/guard"
)

// TestHeldSeries: cratos_list_held says, at each scrape, what the
// service's holds are: 1 while any list of its labels is held (lists of
// two ages, or MISP keys, share a series), 0 once none is, whether the
// hold ended, was released or was dropped from the service's bounded
// table; and nothing for a site a reload removed or disabled.
func TestHeldSeries(t *testing.T) {
	day := export.Hold{ID: "aaaaaaaaaaaa", Site: "s", Feed: "block", DataType: "ipv4", Age: "1d", Output: "txt"}
	month := day
	month.ID, month.Age = "bbbbbbbbbbbb", "30d"
	gone := day
	gone.ID, gone.Site = "cccccccccccc", "gone.example"
	const series = `cratos_list_held{feed="block",output="txt",site="s",type="ipv4"} `
	type step struct {
		holds []export.Hold
		want  string // "" when absent
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"never held", []step{{nil, ""}}},
		{"one hold, then ended, released or dropped from the table", []step{{[]export.Hold{day}, "1"}, {nil, "0"}}},
		{"two ages, one ends", []step{{[]export.Hold{day, month}, "1"}, {[]export.Hold{month}, "1"}, {nil, "0"}}},
		{"held again", []step{{[]export.Hold{day}, "1"}, {nil, "0"}, {[]export.Hold{month}, "1"}}},
		{"beside a removed site's hold, still in the table", []step{{[]export.Hold{day, gone}, "1"}, {[]export.Hold{gone}, "0"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := New()
			m.KnowSites(func(site string) bool { return site == "s" })
			var holds []export.Hold
			if err := m.WatchHolds(func() []export.Hold { return holds }); err != nil {
				t.Fatal(err)
			}
			for i, s := range tc.steps {
				holds = s.holds
				text := scrape(t, m)
				if got := heldValue(text, series); got != s.want {
					t.Fatalf("scrape %d: %s%q, want %q", i, series, got, s.want)
				}
				if strings.Contains(text, `site="gone.example"`) {
					t.Fatalf("scrape %d: the removed site has a series", i)
				}
			}
		})
	}
}

// TestHeldSeriesOfSiteRemoved: a series held when its site is removed
// by a reload leaves, though the service still lists the hold.
func TestHeldSeriesOfSiteRemoved(t *testing.T) {
	m := New()
	served := true
	m.KnowSites(func(string) bool { return served })
	hold := export.Hold{ID: "aaaaaaaaaaaa", Site: "s", Feed: "block", DataType: "ipv4", Age: "1d", Output: "txt"}
	if err := m.WatchHolds(func() []export.Hold { return []export.Hold{hold} }); err != nil {
		t.Fatal(err)
	}
	if got := seriesOf(scrape(t, m), "cratos_list_held"); len(got) != 1 || !strings.HasSuffix(got[0], " 1") {
		t.Fatalf("held: %q", got)
	}
	served = false
	if got := seriesOf(scrape(t, m), "cratos_list_held"); len(got) != 0 {
		t.Errorf("site removed: %q, want no series", got)
	}
}

// heldValue returns the value of series in text, "" when absent.
func heldValue(text, series string) string {
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, series); ok {
			return v
		}
	}
	return ""
}

// TestKeptOutSeries: cratos_guard_kept_out has a series per list and
// rule. The ipv4 and domain lists of one feed and output keep their own
// counts; a rule once counted reads 0 when a build keeps nothing out by
// it.
func TestKeptOutSeries(t *testing.T) {
	ipv4 := export.ListLabels{Site: "s", Feed: "block", DataType: "ipv4", Output: "txt"}
	domain := ipv4
	domain.DataType = "domain"
	warninglist, suffix := guard.DropReason(guard.RuleWarninglist), guard.DropReason(guard.RulePublicSuffix)
	type build struct {
		list    export.ListLabels
		dropped map[string]int
	}
	tests := []struct {
		name   string
		builds []build
		want   []string
	}{
		{"two data types", []build{{ipv4, map[string]int{warninglist: 3}}, {domain, map[string]int{suffix: 2}}}, []string{
			`cratos_guard_kept_out{data_type="domain",feed="block",output="txt",rule="public_suffix",site="s"} 2`,
			`cratos_guard_kept_out{data_type="ipv4",feed="block",output="txt",rule="warninglist",site="s"} 3`,
		}},
		{"the other type rebuilt with nothing kept out", []build{{ipv4, map[string]int{warninglist: 3}}, {domain, map[string]int{suffix: 2}}, {domain, nil}}, []string{
			`cratos_guard_kept_out{data_type="domain",feed="block",output="txt",rule="public_suffix",site="s"} 0`,
			`cratos_guard_kept_out{data_type="ipv4",feed="block",output="txt",rule="warninglist",site="s"} 3`,
		}},
		{"nothing ever kept out", []build{{ipv4, nil}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := New()
			for _, b := range tc.builds {
				m.GuardKeptOut(b.list, b.dropped)
			}
			got := seriesOf(scrape(t, m), "cratos_guard_kept_out")
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestKeptOutSeriesBounded: the kept-out series cover the lists the
// per-list series do: the maxLists most recently built, of the sites
// still served.
func TestKeptOutSeriesBounded(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	m := New()
	m.lists.now = func() time.Time { return now }
	served := map[string]bool{"s": true, "gone.example": true}
	m.KnowSites(func(site string) bool { return served[site] })
	dropped := map[string]int{guard.DropReason(guard.RuleReserved): 1}
	m.GuardKeptOut(export.ListLabels{Site: "gone.example", Feed: "block", DataType: "ipv4", Output: "txt"}, dropped)
	const built = maxLists + 10
	for i := range built {
		now = now.Add(time.Second)
		m.GuardKeptOut(orgList(i), dropped)
	}
	delete(served, "gone.example")
	text := scrape(t, m)
	if n := len(seriesOf(text, "cratos_guard_kept_out")); n != maxLists {
		t.Errorf("%d series after %d lists, want %d", n, built, maxLists)
	}
	if strings.Contains(text, orgList(0).Feed) || strings.Contains(text, "gone.example") {
		t.Error("/metrics still has the least recently built list or a removed site's")
	}
	if want := fmt.Sprintf(`cratos_guard_kept_out{data_type="ipv4",feed=%q,output="txt",rule="reserved",site="s"} 1`, orgList(built-1).Feed); !strings.Contains(text, want+"\n") {
		t.Errorf("/metrics lacks %s", want)
	}
}

// TestHeldSeriesBounded: the series once held, kept at 0, are bounded
// like the per-list series: past maxLists the least recently held leave.
func TestHeldSeriesBounded(t *testing.T) {
	m := New()
	holdOf := func(i int) export.Hold {
		l := orgList(i)
		return export.Hold{ID: fmt.Sprintf("%012x", i), Site: l.Site, Feed: l.Feed, DataType: l.DataType, Output: l.Output}
	}
	var holds []export.Hold
	if err := m.WatchHolds(func() []export.Hold { return holds }); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		holds = append(holds, holdOf(i))
	}
	scrape(t, m)
	holds = nil
	for i := 10; i < 10+maxLists; i++ {
		holds = append(holds, holdOf(i))
	}
	text := scrape(t, m)
	if n := len(seriesOf(text, "cratos_list_held")); n != maxLists {
		t.Errorf("%d series, want %d", n, maxLists)
	}
	if strings.Contains(text, holdOf(0).Feed) || !strings.Contains(text, holdOf(10+maxLists-1).Feed) {
		t.Error("the least recently held series stayed, or a held one left")
	}
}

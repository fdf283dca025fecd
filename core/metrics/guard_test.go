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

// TestHeldSeries: cratos_list_held is 1 while any list of its labels is
// held. Lists of two ages (or MISP keys) of one feed, data type and
// output share a series, so the end of one hold leaves it at 1 while the
// other goes on; a hold reported again (held anew after a release) ends
// once.
func TestHeldSeries(t *testing.T) {
	day := export.Hold{ID: "aaaaaaaaaaaa", Site: "s", Feed: "block", DataType: "ipv4", Age: "1d", Output: "txt"}
	month := day
	month.ID, month.Age = "bbbbbbbbbbbb", "30d"
	const series = `cratos_list_held{feed="block",output="txt",site="s",type="ipv4"} `
	type step struct {
		hold export.Hold
		held bool
		want string
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"one hold", []step{{day, true, "1"}, {day, false, "0"}}},
		{"two ages, the second ends first", []step{{day, true, "1"}, {month, true, "1"}, {month, false, "1"}, {day, false, "0"}}},
		{"two ages, the first ends first", []step{{day, true, "1"}, {month, true, "1"}, {day, false, "1"}, {month, false, "0"}}},
		{"held again after a release", []step{{day, true, "1"}, {day, true, "1"}, {day, false, "0"}}},
		{"an end never begun", []step{{day, true, "1"}, {month, false, "1"}, {day, false, "0"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := New()
			for i, s := range tc.steps {
				m.Held(s.hold, s.held)
				if got := heldValue(scrape(t, m), series); got != s.want {
					t.Fatalf("step %d (%s held=%v): %s%s, want %s", i, s.hold.Age, s.held, series, got, s.want)
				}
			}
		})
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

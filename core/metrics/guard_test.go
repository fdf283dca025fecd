package metrics

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/export"
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

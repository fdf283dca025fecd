package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/dnsprimary"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/internal/testtool"
)

// exercised returns Metrics with a sample of every series recorded.
func exercised(t *testing.T) *Metrics {
	m := New()
	m.Request("/v1/feed/:feedName/type/:dataType/age/:dataAge/output/:output", 200, "txt", 3*time.Millisecond)
	m.Request("/v1/check", 403, "", time.Millisecond)
	m.CacheResult(export.Miss)
	m.CacheResult(export.Hit)
	m.Fetched("misp.example.net", 2*time.Second, 100, nil)
	m.Fetched("misp.example.net", 0, 0, &misp.Error{Kind: misp.Timeout})
	m.Fetched("misp.example.net", 0, 0, errors.New("other"))
	m.BuiltList(export.ListLabels{Site: "misp.example.net", Feed: "block", DataType: "ipv4", Output: "txt"}, time.Millisecond, 5, 1)
	m.BuiltList(export.ListLabels{Site: "misp.example.net", Feed: "block", DataType: "domain", Output: "txt"}, time.Millisecond, 7, 0)
	m.GuardKeptOut(export.ListLabels{Site: "misp.example.net", Feed: "block", DataType: "domain", Output: "txt"}, map[string]int{"guard: public_suffix": 2})
	if err := m.WatchHolds(func() []export.Hold {
		return []export.Hold{{ID: "aaaaaaaaaaaa", Site: "misp.example.net", Feed: "block", DataType: "ipv4", Age: "1d", Output: "txt"}}
	}); err != nil {
		t.Fatal(err)
	}
	if err := m.WatchPlugin("routeros", func() int { return 2 }); err != nil {
		t.Fatal(err)
	}
	if err := m.WatchZones(func() []dnsprimary.ZoneStats {
		return []dnsprimary.ZoneStats{{Zone: "rpz.example.net.", Serial: 7, Loaded: true, LastSuccess: time.Unix(1700000000, 0),
			Failures: map[string]uint64{"misp": 1}, Transfers: map[string]uint64{"axfr": 2}, TransfersRefused: 1, Notifies: 3, NotifyFailures: 1}}
	}); err != nil {
		t.Fatal(err)
	}
	if err := m.WatchMemory(func() []export.MemoryUse {
		return []export.MemoryUse{{Store: "lists", Held: 1500, Budget: 4096}, {Store: "feed_snapshots", Held: 9000, Budget: 8192}}
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

func scrape(t *testing.T, m *Metrics) string {
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}

// Lists of different data types are different series; the plugin restart
// count is a counter; each list has a staleness gauge.
func TestSeries(t *testing.T) {
	text := scrape(t, exercised(t))
	for _, want := range []string{
		`cratos_feed_entries{data_type="ipv4",feed="block",output="txt",site="misp.example.net"} 5`,
		`cratos_feed_entries{data_type="domain",feed="block",output="txt",site="misp.example.net"} 7`,
		`cratos_feed_invalid_values{data_type="ipv4",feed="block",output="txt",site="misp.example.net"} 1`,
		"# TYPE cratos_plugin_restarts_total counter",
		`cratos_plugin_restarts_total{plugin="routeros"} 2`,
		"# TYPE cratos_feed_staleness_seconds gauge",
		`cratos_feed_staleness_seconds{data_type="domain",feed="block",output="txt",site="misp.example.net"}`,
		"# TYPE cratos_feed_last_success_timestamp_seconds gauge",
		`cratos_misp_errors_total{kind="timeout",site="misp.example.net"} 1`,
		"# TYPE cratos_list_held gauge",
		`cratos_list_held{feed="block",output="txt",site="misp.example.net",type="ipv4"} 1`,
		"# TYPE cratos_guard_kept_out gauge",
		`cratos_guard_kept_out{data_type="domain",feed="block",output="txt",rule="public_suffix",site="misp.example.net"} 2`,
		"# TYPE cratos_memory_held_bytes gauge",
		`cratos_memory_held_bytes{store="lists"} 1500`,
		`cratos_memory_held_bytes{store="feed_snapshots"} 9000`,
		`cratos_memory_budget_bytes{store="feed_snapshots"} 8192`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if f, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, typ, _ := strings.Cut(f, " ")
			if typ == "counter" && !strings.HasSuffix(name, "_total") {
				t.Errorf("counter %s does not end in _total", name)
			}
		}
	}
}

func TestStaleness(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	m := New()
	m.lists.now = func() time.Time { return now }
	m.BuiltList(export.ListLabels{Site: "s", Feed: "block", DataType: "ipv4", Output: "txt"}, time.Millisecond, 1, 0)
	now = now.Add(90 * time.Second)
	text := scrape(t, m)
	for _, want := range []string{
		`cratos_feed_staleness_seconds{data_type="ipv4",feed="block",output="txt",site="s"} 90`,
		`cratos_feed_last_success_timestamp_seconds{data_type="ipv4",feed="block",output="txt",site="s"} 1.8e+09`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, text)
		}
	}
}

// promtool check metrics finds nothing to say about the exposition.
func TestPromtoolCheckMetrics(t *testing.T) {
	promtoolCheck(t, scrape(t, exercised(t)))
}

// promtoolCheck runs promtool check metrics on an exposition, which must
// pass with nothing to say.
func promtoolCheck(t *testing.T, text string) {
	t.Helper()
	promtool := testtool.Require(t, "promtool", "prometheus")
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(text)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil || strings.TrimSpace(out.String()) != "" {
		t.Errorf("promtool check metrics: %v\n%s", err, out.String())
	}
}

// The Grafana dashboard in deploy/ only queries series Cratos exports.
func TestGrafanaDashboard(t *testing.T) {
	data, err := os.ReadFile("../../deploy/grafana-cratos.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("dashboard is not JSON: %v", err)
	}
	text := scrape(t, exercised(t))
	exported := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		if f, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, typ, _ := strings.Cut(f, " ")
			exported[name] = true
			if typ == "histogram" {
				exported[name+"_bucket"] = true
			}
		}
	}
	nameRE := regexp.MustCompile(`\b((?:cratos|go|process)_[a-z_]+)\{`)
	queried := 0
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			for _, m := range nameRE.FindAllStringSubmatch(tg.Expr, -1) {
				queried++
				if !exported[m[1]] {
					t.Errorf("panel %q queries %s, which Cratos does not export", p.Title, m[1])
				}
			}
		}
	}
	if queried < 10 {
		t.Errorf("only %d series queried", queried)
	}
}

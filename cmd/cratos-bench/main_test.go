package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// checkError fails the test unless err matches want: nil when want is
// empty, else an error containing want. It reports whether an error was
// wanted, so that the caller stops there.
func checkError(t *testing.T, err error, want string) bool {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatal(err)
		}
		return false
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want one containing %q", err, want)
	}
	return true
}

func TestParseCount(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		least int
		want  int
		err   bool
	}{
		{"plain", "500", 1, 500, false},
		{"thousands", "10k", 1, 10_000, false},
		{"upper K", "60K", 1, 60_000, false},
		{"millions", "1M", 1, 1_000_000, false},
		{"lower m", "6m", 1, 6_000_000, false},
		{"zero allowed", "0", 0, 0, false},
		{"zero refused", "0", 1, 0, true},
		{"negative", "-1", 0, 0, true},
		{"word", "many", 1, 0, true},
		{"too large", "200M", 1, 0, true},
		{"empty", "", 1, 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseCount(tc.in, tc.least)
			if (err != nil) != tc.err || got != tc.want {
				t.Errorf("parseCount(%q, %d) = %d, %v; want %d, error %v", tc.in, tc.least, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestParseOptions(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want func(o *options)
		err  string
	}{
		{"defaults", nil, func(o *options) {}, ""},
		{"quick", []string{"--quick"}, func(o *options) {
			o.quick, o.sizes, o.small, o.large = true, []int{5_000, 20_000}, 5_000, 0
			o.duration, o.wrkDuration, o.connections, o.concurrency, o.invalid = time.Second, time.Second, 16, []int{1, 10, 50}, 2000
			o.coldRepeats, o.tokens = 1, 3
			o.mispLoadSize, o.mispLoadInterval = 20_000, 3*time.Second
		}, ""},
		{"quick keeps given flags", []string{"--quick", "--sizes", "1k", "--connections", "4"}, func(o *options) {
			o.quick, o.sizes, o.small, o.large = true, []int{1_000}, 5_000, 0
			o.duration, o.wrkDuration, o.connections, o.concurrency, o.invalid = time.Second, time.Second, 4, []int{1, 10, 50}, 2000
			o.coldRepeats, o.tokens = 1, 3
			o.mispLoadSize, o.mispLoadInterval = 20_000, 3*time.Second
		}, ""},
		{"misp load only", []string{"--misp-load", "--misp-load-size", "100k", "--misp-load-interval", "30s"}, func(o *options) {
			o.mispLoad, o.mispLoadSize, o.mispLoadInterval = true, 100_000, 30*time.Second
		}, ""},
		{"small hits only", []string{"--small-hits", "--duration", "6s"}, func(o *options) {
			o.smallHits, o.duration = true, 6*time.Second
		}, ""},
		{"two scenarios only", []string{"--small-hits", "--misp-load"}, nil, "give one"},
		{"the 6M cold build and the small hits", []string{"--only", "cold6m", "--small-hits"}, nil, "give one"},
		{"misp load interval", []string{"--misp-load-interval", "1500ms"}, nil, "--misp-load-interval"},
		{"only the 6M cold build", []string{"--only", "cold6m"}, func(o *options) { o.cold6M = true }, ""},
		{"only what is not known", []string{"--only", "cold1m"}, nil, "--only"},
		{"full flags", []string{"--sizes", "10k,1M", "--duration", "3s", "--out", "r.md", "--large", "2M", "--seed", "7"}, func(o *options) {
			o.sizes, o.duration, o.out, o.large, o.seed = []int{10_000, 1_000_000}, 3*time.Second, "r.md", 2_000_000, 7
		}, ""},
		{"bad size", []string{"--sizes", "10k,x"}, nil, "--sizes"},
		{"zero size", []string{"--sizes", "0"}, nil, "--sizes"},
		{"short duration", []string{"--duration", "500ms"}, nil, "--duration"},
		{"wrk duration", []string{"--wrk-duration", "3s"}, func(o *options) { o.wrkDuration = 3 * time.Second }, ""},
		{"short wrk duration", []string{"--wrk-duration", "10ms"}, nil, "--wrk-duration"},
		{"no connections", []string{"--connections", "0"}, nil, "--connections"},
		{"argument", []string{"now"}, nil, "unexpected argument"},
		{"unknown flag", []string{"--fast"}, nil, "not defined"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseOptions(tc.args)
			if checkError(t, err, tc.err) {
				return
			}
			want := options{sizes: []int{10_000, 100_000, 1_000_000}, small: 50_000, large: 6_000_000, duration: 10 * time.Second,
				wrkDuration: 5 * time.Second, connections: 50, concurrency: []int{1, 10, 100, 500}, coldRepeats: 3, tokens: 10, invalid: 10_000, seed: 1, args: tc.args,
				mispLoadSize: 1_000_000, mispLoadInterval: time.Minute}
			tc.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
	if _, err := parseOptions([]string{"--help"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("--help: %v, want flag.ErrHelp", err)
	}
}

const wrkOK = `Running 10s test @ http://127.0.0.1:18199/a.txt
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.61ms    7.22ms  78.32ms   93.46%
    Req/Sec     3.57k     2.43k    9.63k    72.50%
  Latency Distribution
     50%  612.00us
     75%    3.58ms
     90%    7.51ms
     99%   40.10ms
  14358 requests in 10.05s, 1.81GB read
Requests/sec:   1428.63
Transfer/sec:    184.20MB
`

const wrkErrors = `Running 10s test @ http://127.0.0.1:18100/v1/feed/any/type/ipv4/age/10y/output/txt
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.20s   300.00ms   2.00s    70.00%
    Req/Sec    20.00      5.00    30.00     80.00%
  Latency Distribution
     50%    1.20s 
     75%    1.40s 
     90%    1.80s 
     99%    2.00m 
  400 requests in 10.00s, 6.00GB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 5
Requests/sec:     40.00
Transfer/sec:    600.00MB
`

func TestParseWrk(t *testing.T) {
	cases := []struct {
		name string
		out  string
		want wrkResult
		err  string
	}{
		{"clean run", wrkOK, wrkResult{RPS: 1428.63, P50: 612 * time.Microsecond, P99: 40100 * time.Microsecond, Requests: 14358}, ""},
		{"errors and long latencies", wrkErrors, wrkResult{RPS: 40, P50: 1200 * time.Millisecond, P99: 2 * time.Minute, Requests: 400, Bad: 10}, ""},
		{"no latency distribution", strings.Replace(wrkOK, "     99%   40.10ms\n", "", 1), wrkResult{}, "latency distribution"},
		{"no rate", strings.Replace(wrkOK, "Requests/sec:   1428.63\n", "", 1), wrkResult{}, "Requests/sec"},
		{"connection refused", "unable to connect to 127.0.0.1:1 Connection refused\n", wrkResult{}, "Requests/sec"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseWrk(tc.out)
			if checkError(t, err, tc.err) {
				return
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var out []time.Duration
		for _, n := range ns {
			out = append(out, time.Duration(n)*time.Millisecond)
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	cases := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one", ms(7), 0.99, 7 * time.Millisecond},
		{"median of odd", ms(1, 2, 3), 0.5, 2 * time.Millisecond},
		{"median of even takes the lower", ms(1, 2, 3, 4), 0.5, 2 * time.Millisecond},
		{"p99 of 100", ms(hundred...), 0.99, 99 * time.Millisecond},
		{"p100", ms(hundred...), 1, 100 * time.Millisecond},
		{"p0", ms(hundred...), 0, time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := percentile(tc.sorted, tc.p); got != tc.want {
				t.Errorf("percentile(%v) = %v, want %v", tc.p, got, tc.want)
			}
		})
	}
	if got := median(ms(9, 1, 5)); got != 5*time.Millisecond {
		t.Errorf("median = %v, want 5ms", got)
	}
}

func TestLogTail(t *testing.T) {
	lt := newLogTail(2)
	writes := []string{
		`{"msg":"listening"}` + "\n" + `{"msg":"fet`,
		`ched","attributes":3}` + "\n",
		`{"msg":"request","status":200}` + "\n",
		`{"msg":"fetched","attributes":4}` + "\n" + `{"msg":"shutting down"}` + "\n",
	}
	for _, w := range writes {
		if n, err := lt.Write([]byte(w)); n != len(w) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if got := lt.count(markFetched); got != 2 {
		t.Errorf("fetched lines = %d, want 2", got)
	}
	want := `{"msg":"fetched","attributes":4}` + "\n" + `{"msg":"shutting down"}`
	if got := lt.tail(5); got != want {
		t.Errorf("tail = %q, want %q", got, want)
	}
}

func TestForger(t *testing.T) {
	raw := make([]byte, 137)
	raw[0] = 0x80
	sample := base64.URLEncoding.EncodeToString(raw)
	f, err := newForger(sample, 1)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for range 100 {
		tok := f.next()
		dec, err := base64.URLEncoding.Strict().DecodeString(tok)
		switch {
		case err != nil:
			t.Fatalf("forged token %q does not decode: %v", tok, err)
		case len(tok) != len(sample) || len(dec) != len(raw) || dec[0] != 0x80:
			t.Fatalf("forged token %q: length %d, first byte %#x; want %d, 0x80", tok, len(tok), dec[0], len(sample))
		case seen[tok]:
			t.Fatalf("forged token %q repeated", tok)
		}
		seen[tok] = true
	}
	for _, bad := range []string{"", "not base64!", base64.URLEncoding.EncodeToString([]byte{0x81, 1, 2})} {
		if _, err := newForger(bad, 1); err == nil {
			t.Errorf("newForger(%q) accepted a sample that is not a Fernet token", bad)
		}
	}
}

func TestFormat(t *testing.T) {
	cases := []struct{ name, got, want string }{
		{"µs", fmtDur(612 * time.Microsecond), "612 µs"},
		{"ms", fmtDur(1234 * time.Microsecond), "1.23 ms"},
		{"tens of ms", fmtDur(40100 * time.Microsecond), "40 ms"},
		{"s", fmtDur(2346 * time.Millisecond), "2.35 s"},
		{"zero duration", fmtDur(0), "—"},
		{"KiB", fmtBytes(12_288), "12.0 KiB"},
		{"MiB", fmtBytes(15 << 20), "15.0 MiB"},
		{"GiB", fmtBytes(3 << 30), "3.00 GiB"},
		{"bytes", fmtBytes(1000), "1000 B"},
		{"no bytes", fmtBytes(0), "—"},
		{"slope", fmtSlope(2048), "2.0 KiB"},
		{"no slope", fmtSlope(-5), "none"},
		{"count k", fmtCount(60_000), "60k"},
		{"count M", fmtCount(6_000_000), "6M"},
		{"count odd", fmtCount(1234), "1234"},
		{"args", quoteArgs([]string{"--out", "/tmp/run.md", "--sizes", "10k,1M"}), " --out /tmp/run.md --sizes 10k,1M"},
		{"args quoted", quoteArgs([]string{"--data", "my data", "it's"}), ` --data 'my data' 'it'\''s'`},
		{"statuses", fmtStatuses(map[int]int{403: 9, 200: 1}), "1× 200, 9× 403"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}

// programs are cratos and mispsim, built as the other tests' programs are
// (testtool.GoBuild), so that they share those tests' compiled packages.
var programs = testtool.GoBuild{Packages: []string{"../cratos", "../mispsim"}}

// TestQuickRun runs the whole tool in --quick mode against the real
// binaries, wrk and nginx; TestGoBuild covers its building them.
func TestQuickRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cratos and mispsim and runs a load test; skipped with -short")
	}
	testtool.Require(t, "wrk", "wrk")
	testtool.Require(t, "nginx", "nginx-light")
	testtool.Require(t, "memcached", "memcached")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out := filepath.Join(t.TempDir(), "run.md")
	bin := programs.Dir(t)
	args := []string{"--quick", "--out", out, "--cratos", filepath.Join(bin, "cratos"), "--mispsim", filepath.Join(bin, "mispsim")}
	var stdout, stderr bytes.Buffer
	if code := run(ctx, args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rep := string(data)
	for _, section := range []string{"| CPU |", "go run ./cmd/cratos-bench --quick --out", "#### Targets", "#### Cold feed builds",
		"#### Cache hits against nginx", "#### The floor: a minimal Go server", "#### Logging set-ups (wrk, small feed)", "#### Memory under concurrent cold requests", "#### Token verification",
		"#### MISP load with 3 replicas sharing memcached", "| first full read | ",
		"After the first row's answer, as cratos' `/metrics` says"} {
		if !strings.Contains(rep, section) {
			t.Errorf("report lacks %q", section)
		}
	}
	if strings.Contains(rep, "#### Errors") {
		t.Errorf("report lists errors:\n%s", rep)
	}
	// Every target but those of the 1M and 6M builds (not among the quick
	// sizes) is measured and judged.
	verdicts := map[string]string{}
	for _, line := range strings.Split(rep, "\n") {
		cells := strings.Split(line, " | ")
		if len(cells) == 4 && strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| Target") {
			verdicts[strings.TrimPrefix(cells[0], "| ")] = strings.TrimSuffix(cells[3], " |")
		}
	}
	for _, name := range []string{"Cache-hit throughput", "304 throughput", "Memory vs concurrent cold requests", "Valid latency under invalid-token flood"} {
		if v := verdicts[name]; v != "met" && v != "MISSED" {
			t.Errorf("target %q: verdict %q, want met or MISSED", name, v)
		}
	}
	for _, name := range []string{"Cold txt build, 1M-attribute MISP", "Peak RSS of the cold table, 1M-attribute MISP", "Cold txt build, 6M-attribute MISP"} {
		if v := verdicts[name]; v != notMeasured {
			t.Errorf("target %q: verdict %q, want %q (not among the quick sizes)", name, v, notMeasured)
		}
	}
	for _, row := range []string{"| 5k | ", "| 20k | ", "| small | 5k |", "| large | 20k |", "| 1 | 20k |", "| 50 | 20k |", "| paced flood: invalid requests, req/s, answers | 2000, "} {
		if !strings.Contains(rep, row) {
			t.Errorf("report lacks a row starting %q", row)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	var out, errb strings.Builder
	if code := run(context.Background(), []string{"--version"}, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "cratos-bench ") {
		t.Errorf("--version: exit %d, %q %q", code, out.String(), errb.String())
	}
}

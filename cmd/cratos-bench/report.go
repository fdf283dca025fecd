package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// report is everything one run measured.
type report struct {
	Started time.Time
	Took    time.Duration
	Options options
	Machine machine
	Cold    []coldRow
	Hits    []hitRow
	Mem     []memRow
	Token   *tokenResult
	Errors  []string
}

// fail records a scenario's error; nil is ignored.
func (r *report) fail(scenario string, err error) {
	if err != nil {
		r.Errors = append(r.Errors, scenario+": "+err.Error())
	}
}

// machine describes where the run happened.
type machine struct {
	CPU        string
	Cores      int
	Memory     int64
	Kernel     string
	Go         string
	Nginx      string
	Wrk        string
	LoadBefore string
	LoadAfter  string
}

func readMachine(cratosBin, wrk, nginx string) machine {
	m := machine{CPU: "unknown", Cores: runtime.NumCPU(), Kernel: "unknown", Go: runtime.Version(), LoadBefore: loadAverage()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "MemTotal:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				m.Memory = kb << 10
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	// The Go version that built the cratos binary.
	if out, err := exec.Command("go", "version", cratosBin).Output(); err == nil {
		if _, v, ok := strings.Cut(strings.TrimSpace(string(out)), ": "); ok {
			m.Go = v
		}
	}
	m.Nginx = firstLine(exec.Command(nginx, "-v"))
	m.Wrk = firstLine(exec.Command(wrk, "--version"))
	if i := strings.Index(m.Wrk, " Copyright"); i > 0 {
		m.Wrk = m.Wrk[:i]
	}
	return m
}

// firstLine runs cmd and returns the first line it printed (either
// stream; exit status ignored, as version flags often exit non-zero).
func firstLine(cmd *exec.Cmd) string {
	out, _ := cmd.CombinedOutput()
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(strings.TrimPrefix(line, "nginx version: "))
}

// loadAverage returns the 1, 5 and 15 minute load averages.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// target is one stated goal and how the run did against it.
type target struct {
	Name, Goal, Measured string
	// Verdict is "met", "MISSED" or "not measured".
	Verdict string
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

const notMeasured = "not measured"

// targets evaluates the goals against what was measured.
func (r *report) targets() []target {
	return []target{hitTarget(r.Hits), notModifiedTarget(r.Hits), coldTarget(r.Cold), memTarget(r.Mem), floodTarget(r.Token)}
}

// ratio is cratos' throughput over nginx's.
func (h hitRow) ratio() float64 {
	if h.Nginx.RPS == 0 {
		return 0
	}
	return h.Cratos.RPS / h.Nginx.RPS
}

func hitTarget(rows []hitRow) target {
	t := target{Name: "Cache-hit throughput", Goal: "≥ 0.50× nginx (identity and gzip)", Verdict: notMeasured}
	var parts []string
	ok := true
	for _, h := range rows {
		if h.Variant == "304" {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %s %.2f×", h.Feed, h.Variant, h.ratio()))
		ok = ok && h.ratio() >= 0.5
	}
	if len(parts) > 0 {
		t.Measured, t.Verdict = strings.Join(parts, ", "), verdict(ok)
	}
	return t
}

func notModifiedTarget(rows []hitRow) target {
	t := target{Name: "304 throughput", Goal: "≥ 1.00× nginx", Verdict: notMeasured}
	var parts []string
	ok := true
	for _, h := range rows {
		if h.Variant != "304" {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %.2f×", h.Feed, h.ratio()))
		ok = ok && h.ratio() >= 1
	}
	if len(parts) > 0 {
		t.Measured, t.Verdict = strings.Join(parts, ", "), verdict(ok)
	}
	return t
}

// coldGoal is the longest a cold txt build from a 1M-attribute MISP may take.
const coldGoal = 3 * time.Second

func coldTarget(rows []coldRow) target {
	t := target{Name: "Cold txt build, 1M-attribute MISP", Goal: "≤ 3 s", Verdict: notMeasured}
	for _, c := range rows {
		if c.Size != 1_000_000 {
			continue
		}
		for _, cell := range c.Cells {
			if cell.Output == "txt" {
				t.Measured = fmt.Sprintf("%s (%d entries from %d attributes)", fmtDur(cell.Took), c.Entries, c.Attributes)
				t.Verdict = verdict(cell.Took <= coldGoal)
			}
		}
	}
	if t.Verdict == notMeasured {
		t.Measured = "1M not among --sizes"
	}
	return t
}

// memSlope returns the extra peak RSS per additional concurrent request
// between the smallest and the largest concurrency.
func memSlope(rows []memRow) (perRequest float64, first, last memRow, ok bool) {
	if len(rows) < 2 {
		return 0, memRow{}, memRow{}, false
	}
	s := slices.Clone(rows)
	slices.SortFunc(s, func(a, b memRow) int { return a.N - b.N })
	first, last = s[0], s[len(s)-1]
	if last.N == first.N {
		return 0, first, last, false
	}
	return float64(last.Peak-first.Peak) / float64(last.N-first.N), first, last, true
}

// connOverhead is what one more connection may cost cratos in buffers and
// goroutine stack without the artifact being copied.
const connOverhead = 64 << 10

// memTarget judges memory growth sub-linear when the feed was fetched once
// at every concurrency and each additional concurrent request costs less
// than half a copy of the body (or a connection's own buffers, for small
// bodies): responses share one artifact rather than each holding its own.
func memTarget(rows []memRow) target {
	t := target{Name: "Memory vs concurrent cold requests", Goal: "sub-linear: one fetch, < 0.5 body per extra request", Verdict: notMeasured}
	slope, first, last, ok := memSlope(rows)
	if !ok || first.Peak == 0 {
		return t
	}
	fetches := 0
	for _, r := range rows {
		fetches = max(fetches, r.Fetches)
	}
	t.Measured = fmt.Sprintf("peak %s at %d → %s at %d (%.2f× for %d× requests); %s per extra request, body %s; at most %d MISP fetch(es) per row",
		fmtBytes(first.Peak), first.N, fmtBytes(last.Peak), last.N, float64(last.Peak)/float64(first.Peak),
		last.N/first.N, fmtSlope(slope), fmtBytes(int64(last.Bytes)), fetches)
	t.Verdict = verdict(fetches == 1 && slope < max(0.5*float64(last.Bytes), connOverhead))
	return t
}

// floodGoal is how much slower valid requests may get during the paced
// invalid-token flood.
const floodGoal = 2.0

func floodTarget(tr *tokenResult) target {
	t := target{Name: "Valid latency under invalid-token flood", Goal: "< 2× the median without the flood (paced flood)", Verdict: notMeasured}
	if tr == nil || tr.Baseline.Requests == 0 {
		return t
	}
	var parts []string
	for _, f := range tr.Floods {
		if f.Valid.Requests == 0 {
			continue
		}
		p50 := ratioDur(f.Valid.Percentile(0.5), tr.Baseline.Percentile(0.5))
		p99 := ratioDur(f.Valid.Percentile(0.99), tr.Baseline.Percentile(0.99))
		if f.Rate > 0 {
			parts = append(parts, fmt.Sprintf("paced %.0f/s: median %.2f×, p99 %.2f×", f.Invalid.RPS(), p50, p99))
			t.Verdict = verdict(p50 < floodGoal)
		} else {
			parts = append(parts, fmt.Sprintf("unpaced %.0f/s: median %.2f×, p99 %.2f×", f.Invalid.RPS(), p50, p99))
		}
	}
	t.Measured = strings.Join(parts, "; ")
	return t
}

func ratioDur(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// write renders the report as markdown.
func (r *report) write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	o := r.Options
	m := r.Machine

	p("### Run of %s\n\n", r.Started.UTC().Format("2006-01-02 15:04 MST"))
	p("| Machine | |\n|---|---|\n")
	p("| CPU | %s |\n| Cores | %d |\n| Memory | %s |\n| Kernel | %s |\n| Go | %s |\n", m.CPU, m.Cores, fmtBytes(m.Memory), m.Kernel, m.Go)
	p("| nginx, wrk | %s, %s |\n", m.Nginx, m.Wrk)
	p("| Load average before, after (1, 5, 15 min) | %s; %s |\n", m.LoadBefore, m.LoadAfter)
	data := fmt.Sprintf("generated by mispsim, seed %d, no real data", o.seed)
	if o.dataDir != "" {
		data = fmt.Sprintf("generated by mispsim, seed %d, plus real data from %s", o.seed, o.dataDir)
	}
	p("| Data | %s |\n| Run took | %s |\n\n", data, r.Took.Round(time.Second))

	p("Reproduce (from the module root; wrk and nginx from `scripts/install-tools.sh`):\n\n")
	p("```\ngo run ./cmd/cratos-bench%s\n```\n\n", quoteArgs(o.args))

	p("#### Targets\n\n| Target | Goal | Measured | Verdict |\n|---|---|---|---|\n")
	for _, t := range r.targets() {
		if t.Measured == "" {
			t.Measured = "—"
		}
		p("| %s | %s | %s | %s |\n", t.Name, t.Goal, t.Measured, t.Verdict)
	}
	p("\n")

	p("#### Cold feed builds\n\n")
	p("`GET /v1/feed/any/type/ipv4/age/10y/output/{output}` with the cache cleared (`DELETE /v1/clear_cache/…`) before each timed request; median of %d, client-side time to the last byte. "+
		"*Matched* is what MISP returned for the query, *fetch* cratos' own fetch-and-normalise time for txt (from its log), *first* the first build after start (before any warm-up).\n\n", o.coldRepeats)
	p("| MISP attributes | matched | entries | fetch | first | %s | peak RSS |\n|---:|---:|---:|---:|---:|%s---:|\n",
		strings.Join(outputs, " | "), strings.Repeat("---:|", len(outputs)))
	for _, c := range r.Cold {
		var cells []string
		var rss int64
		for _, cell := range c.Cells {
			cells = append(cells, fmt.Sprintf("%s (%s)", fmtDur(cell.Took), fmtBytes(int64(cell.Bytes))))
			rss = max(rss, cell.RSS)
		}
		p("| %s | %d | %d | %s | %s | %s | %s |\n", fmtCount(c.Size), c.Attributes, c.Entries, fmtDur(c.Fetch), fmtDur(c.First),
			strings.Join(cells, " | "), fmtBytes(max(rss, c.FirstRSS)))
	}
	p("\n")

	p("#### Cache hits against nginx\n\n")
	p("The small feed comes from a MISP of %s attributes, the large one from %s. ", fmtCount(o.small), fmtCount(largeSize(o)))
	p("wrk, %d connections, %d threads, %s per run, cratos then nginx; the txt list of the feed above, which nginx serves as a static file holding the same bytes (checked), with `gzip_static` for gzip and its own ETag for 304. p50/p99 are wrk's latency percentiles. Peak RSS includes heap the Go runtime kept from building the list.\n\n",
		o.connections, min(o.connections, 2), o.duration)
	p("| feed | MISP attributes | entries | variant | body | cratos req/s | nginx req/s | cratos/nginx | cratos p50, p99 | nginx p50, p99 | cratos peak RSS | errors |\n")
	p("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, h := range r.Hits {
		p("| %s | %s | %d | %s | %s | %.0f | %.0f | %.2f× | %s, %s | %s, %s | %s | %d |\n", h.Feed, fmtCount(h.Size), h.Entries, h.Variant, fmtBytes(int64(h.Bytes)),
			h.Cratos.RPS, h.Nginx.RPS, h.ratio(), fmtDur(h.Cratos.P50), fmtDur(h.Cratos.P99), fmtDur(h.Nginx.P50), fmtDur(h.Nginx.P99),
			fmtBytes(h.RSS), h.Cratos.Bad+h.Nginx.Bad)
	}
	p("\n")

	p("#### Memory under concurrent cold requests\n\n")
	p("A fresh cratos per row; N clients ask at the same moment for the same uncached txt feed and read it in full. Peak RSS is the kernel's VmHWM.\n\n")
	p("| concurrent | MISP attributes | entries | body | RSS before | peak RSS | peak / first row | wall | MISP fetches |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, mr := range r.Mem {
		rel := 0.0
		if len(r.Mem) > 0 && r.Mem[0].Peak > 0 {
			rel = float64(mr.Peak) / float64(r.Mem[0].Peak)
		}
		p("| %d | %s | %d | %s | %s | %s | %.2f× | %s | %d |\n", mr.N, fmtCount(mr.Size), mr.Entries, fmtBytes(int64(mr.Bytes)),
			fmtBytes(mr.Base), fmtBytes(mr.Peak), rel, fmtDur(mr.Wall), mr.Fetches)
	}
	if slope, _, _, ok := memSlope(r.Mem); ok {
		p("\nExtra peak RSS per additional concurrent request: %s.\n", fmtSlope(slope))
	}
	p("\n")

	p("#### Token verification\n\n")
	if tr := r.Token; tr != nil {
		p("First: 304 answers of the small feed on one kept-alive connection, a fresh token's first request against the same token's next 20. "+
			"Then full cache-hit GETs by one client, alone for %s, and while %d connections send %d requests with random invalid tokens shaped like real ones "+
			"(each one's MAC is checked; `auth_fail_limit` raised so none is answered 429): paced over %s, then as fast as they go. "+
			"The load generator shares the machine's cores with cratos.\n\n", o.duration, o.connections, o.invalid, o.duration)
		p("| measure | value |\n|---|---|\n")
		p("| first request with a fresh token (median of %d) | %s |\n", tr.Tokens, fmtDur(tr.First))
		p("| repeated requests with the same token (median) | %s |\n", fmtDur(tr.Repeat))
		p("| valid requests alone: p50, p99, req/s | %s, %s, %.0f |\n", fmtDur(tr.Baseline.Percentile(0.5)), fmtDur(tr.Baseline.Percentile(0.99)), tr.Baseline.RPS())
		for _, f := range tr.Floods {
			name := "paced"
			if f.Rate == 0 {
				name = "unpaced"
			}
			p("| %s flood: invalid requests, req/s, answers | %d, %.0f, %s |\n", name, f.Invalid.Requests, f.Invalid.RPS(), fmtStatuses(f.Invalid.Statuses))
			p("| %s flood: valid p50, p99, req/s | %s, %s, %.0f |\n", name, fmtDur(f.Valid.Percentile(0.5)), fmtDur(f.Valid.Percentile(0.99)), f.Valid.RPS())
		}
		p("| cratos peak RSS | %s |\n", fmtBytes(tr.RSS))
	} else {
		p("Not measured.\n")
	}
	if len(r.Errors) > 0 {
		p("\n#### Errors\n\n")
		for _, e := range r.Errors {
			first, _, _ := strings.Cut(e, "\n")
			p("- %s\n", first)
		}
	}
	return bw.Flush()
}

// quoteArgs renders args for a shell, leading space included.
func quoteArgs(args []string) string {
	var b strings.Builder
	for _, a := range args {
		b.WriteByte(' ')
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,/:") == "" {
			b.WriteString(a)
		} else {
			b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "'")
		}
	}
	return b.String()
}

func fmtStatuses(m map[int]int) string {
	codes := make([]int, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%d× %d", m[c], c)
	}
	return strings.Join(parts, ", ")
}

// fmtDur prints a duration with three significant digits.
func fmtDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Microsecond), 'f', 0, 64) + " µs"
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
	case d < time.Second:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 0, 64) + " ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
}

// fmtBytes prints a size in bytes, KiB, MiB or GiB.
func fmtBytes(n int64) string {
	switch {
	case n <= 0:
		return "—"
	case n < 1<<10:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	case n < 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	}
	return strconv.FormatFloat(float64(n)/(1<<30), 'f', 2, 64) + " GiB"
}

// fmtSlope prints a memory growth per request, which noise can make
// negative.
func fmtSlope(perRequest float64) string {
	if perRequest <= 0 {
		return "none"
	}
	return fmtBytes(int64(perRequest))
}

// fmtCount prints 10000 as 10k and 1000000 as 1M.
func fmtCount(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "M"
	case n >= 1_000 && n%1_000 == 0:
		return strconv.Itoa(n/1_000) + "k"
	}
	return strconv.Itoa(n)
}

// largeSize is the MISP size of the large feed.
func largeSize(o options) int {
	if o.large == 0 {
		return slices.Max(o.sizes)
	}
	return o.large
}

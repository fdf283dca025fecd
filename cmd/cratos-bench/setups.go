package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// setupRow is one wrk run of cratos and one of nginx under one logging
// set-up.
type setupRow struct {
	Setup   string // which logging set-up, see setups
	Variant string // identity, gzip, 304
	Cratos  wrkResult
	Nginx   wrkResult
}

// ratio is cratos' throughput over nginx's.
func (r setupRow) ratio() float64 {
	if r.Nginx.RPS == 0 {
		return 0
	}
	return r.Cratos.RPS / r.Nginx.RPS
}

// A logging set-up: where cratos writes its access log and whether nginx
// writes one.
type setup struct {
	name string
	// accessFile: cratos' access_log names a file; else access lines go
	// to standard error.
	accessFile bool
	// stderrFile: cratos' standard error goes to a file; else through a
	// pipe to this process, which reads every line (the earlier set-up).
	stderrFile bool
	nginxLog   bool
}

// setups are compared in the small feed's wrk runs. The first is how a
// deployment runs (and how the cache-hit table is measured); the last is
// how this command measured before: nginx without its access log and
// cratos' access lines read through a pipe by the load generator's
// process.
var setups = []setup{
	{"access logs to files (deployed)", true, true, true},
	{"cratos access log on standard error (a file)", false, true, true},
	{"earlier set-up: nginx access_log off, cratos log piped here", false, false, false},
}

// compareSetups runs wrk for --wrk-duration against a fresh cratos per
// set-up and against nginx, on the small feed of m.
func (b *bench) compareSetups(ctx context.Context, m *mispInst) ([]setupRow, error) {
	var rows []setupRow
	for i, st := range setups {
		if ctx.Err() != nil {
			return rows, ctx.Err()
		}
		got, err := b.compareSetup(ctx, m, i, st)
		rows = append(rows, got...)
		if err != nil {
			return rows, fmt.Errorf("%s: %w", st.name, err)
		}
	}
	return rows, nil
}

func (b *bench) compareSetup(ctx context.Context, m *mispInst, i int, st setup) ([]setupRow, error) {
	cc, err := b.newConfigLog(fmt.Sprintf("setup-%d", i), roomyCache, st.accessFile)
	if err != nil {
		return nil, err
	}
	tok, err := b.mint(ctx, cc, m.url)
	if err != nil {
		return nil, err
	}
	var out *os.File
	if st.stderrFile {
		if out, err = os.Create(filepath.Join(filepath.Dir(cc.path), "stderr.log")); err != nil {
			return nil, fmt.Errorf("cratos standard error: %w", err)
		}
		defer out.Close()
	}
	c, err := b.startCratosTo(ctx, cc, out)
	if err != nil {
		return nil, err
	}
	defer c.p.Stop(10 * time.Second)
	plain, err := b.feed(ctx, c, tok, "txt", nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	gz, err := b.feed(ctx, c, tok, "txt", map[string]string{"Accept-Encoding": "gzip"}, http.StatusOK)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("setup-%d.txt", i)
	ngETag, err := b.serveStatic(ctx, name, plain.body, gz.body)
	if err != nil {
		return nil, err
	}
	ngBase := b.ngQuiet
	if st.nginxLog {
		ngBase = b.ngURL
	}
	etag := plain.header.Get("ETag")
	variants := []struct {
		name       string
		cratos, ng []string
	}{
		{"304", []string{"If-None-Match: " + etag}, []string{"If-None-Match: " + ngETag}},
		{"identity", nil, nil},
		{"gzip", []string{"Accept-Encoding: gzip"}, []string{"Accept-Encoding: gzip"}},
	}
	if b.o.quick {
		variants = variants[:1] // a smoke test of each set-up, not a measurement
	}
	var rows []setupRow
	for _, v := range variants {
		b.logf("wrk %s, %s: cratos and nginx in turns, %s each", st.name, v.name, b.o.wrkDuration)
		row := setupRow{Setup: st.name, Variant: v.name}
		row.Cratos, row.Nginx, err = runPair(ctx, b.wrk, wrkTarget{c.base + feedPrefix + "txt", append([]string{"token: " + tok}, v.cratos...)},
			wrkTarget{ngBase + "/" + name, v.ng}, b.o.connections, b.o.wrkDuration)
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// writeSetups renders the logging set-up comparison.
func (r *report) writeSetups(p func(string, ...any)) {
	p("#### Logging set-ups (wrk, small feed)\n\n")
	if len(r.Setups) == 0 {
		p("Not measured.\n\n")
		return
	}
	o := r.Options
	p("wrk, %d connections, %d threads, %s per server in turns of %s (cratos, nginx, cratos, …), a fresh cratos per set-up; nginx with `sendfile` and `tcp_nopush` in every set-up. "+
		"*Deployed*: cratos' `access_log` names a file, nginx logs each request in the combined format to a file. "+
		"*Standard error*: cratos writes its access lines with its service log to standard error, a file. "+
		"*Earlier*: how this command measured before: nginx with `access_log off`, cratos' standard error a pipe to this command, which reads every line.\n\n",
		o.connections, min(o.connections, 2), o.wrkDuration, min(o.wrkDuration, pairRound))
	p("| set-up | variant | cratos req/s | nginx req/s | cratos/nginx | cratos p50, p99 | nginx p50, p99 | errors |\n")
	p("|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range r.Setups {
		p("| %s | %s | %.0f | %.0f | %.2f× | %s, %s | %s, %s | %d |\n", s.Setup, s.Variant, s.Cratos.RPS, s.Nginx.RPS, s.ratio(),
			fmtDur(s.Cratos.P50), fmtDur(s.Cratos.P99), fmtDur(s.Nginx.P50), fmtDur(s.Nginx.P99), s.Cratos.Bad+s.Nginx.Bad)
	}
	p("\n")
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// floorCommand is the hidden subcommand that runs the floor server.
const floorCommand = "floor-server"

// floorPath is the one path the floor server answers.
const floorPath = "/list"

// runFloor is `cratos-bench floor-server`: the least a Go server does to
// answer a cached list, so that the report can say how much of the gap to
// nginx is cratos' own work and how much is Go's and fasthttp's (which
// cratos serves through). It answers GET /list with one list's identity
// or gzip body, or 304 to its ETag, with the headers cratos sent for it,
// and writes one access line per request to a file through a 64 KiB
// buffer flushed every 100 ms, as cratos' access log does. No
// authentication, routing, cache look-up or metrics. It stops, with the
// access log flushed, when ctx ends (main's SIGTERM or interrupt).
func runFloor(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet(floorCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "listen address")
	bodyFile := fs.String("body", "", "the identity body")
	gzFile := fs.String("gzip", "", "the gzip body")
	logFile := fs.String("log", "", "the access log")
	var headers headerFlags
	fs.Var(&headers, "header", `"Name: value" sent with every answer (repeatable); ETag is the one 304s match`)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	body, err := os.ReadFile(*bodyFile)
	if err == nil {
		var gz []byte
		if gz, err = os.ReadFile(*gzFile); err == nil {
			err = serveFloor(ctx, *listen, *logFile, body, gz, headers)
		}
	}
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "%s: %v\n", floorCommand, err)
	return 1
}

// headerFlags collects repeated --header flags.
type headerFlags [][2]string

func (h *headerFlags) String() string { return fmt.Sprint(*h) }

func (h *headerFlags) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("header %q: want Name: value", v)
	}
	*h = append(*h, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
	return nil
}

// serveFloor serves until ctx ends, then closes the listener, waits for
// the connections to fall idle (floorShutdown at most) and flushes the
// access log.
func serveFloor(ctx context.Context, listen, logFile string, body, gz []byte, headers headerFlags) error {
	f, err := os.Create(logFile)
	if err != nil {
		return err
	}
	lw := &floorLog{w: bufio.NewWriterSize(f, 64<<10)}
	go lw.flushEvery(100 * time.Millisecond)
	var etag []byte
	for _, h := range headers {
		if strings.EqualFold(h[0], "ETag") {
			etag = []byte(h[1])
		}
	}
	handler := func(rc *fasthttp.RequestCtx) {
		start := time.Now()
		if string(rc.Path()) != floorPath {
			rc.SetStatusCode(fasthttp.StatusNotFound)
		} else {
			for _, h := range headers {
				rc.Response.Header.Set(h[0], h[1])
			}
			switch {
			case etag != nil && bytes.Equal(rc.Request.Header.Peek("If-None-Match"), etag):
				rc.SetStatusCode(fasthttp.StatusNotModified)
			case bytes.Contains(rc.Request.Header.Peek("Accept-Encoding"), []byte("gzip")):
				rc.Response.Header.Set("Content-Encoding", "gzip")
				rc.Response.SetBodyRaw(gz)
			default:
				rc.Response.SetBodyRaw(body)
			}
		}
		lw.line(rc, start)
	}
	s := &fasthttp.Server{Handler: handler, ReadBufferSize: 16 << 10, NoDefaultServerHeader: true}
	served := make(chan error, 1)
	go func() { served <- s.ListenAndServe(listen) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), floorShutdown)
	defer cancel()
	err = s.ShutdownWithContext(shut)
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return errors.Join(err, lw.w.Flush(), f.Close())
}

// floorShutdown bounds how long the floor server waits for its
// connections to fall idle when it stops.
const floorShutdown = 5 * time.Second

// floorLog is the floor server's access log.
type floorLog struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func (l *floorLog) flushEvery(d time.Duration) {
	for range time.Tick(d) {
		l.mu.Lock()
		_ = l.w.Flush()
		l.mu.Unlock()
	}
}

// line writes a JSON line with the fields of cratos' access line that
// the request alone gives.
func (l *floorLog) line(ctx *fasthttp.RequestCtx, start time.Time) {
	var buf [512]byte
	b := append(buf[:0], `{"time":"`...)
	b = time.Now().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","msg":"request","ip":"`...)
	b = append(b, ctx.RemoteIP().String()...)
	b = append(b, `","method":"`...)
	b = append(b, ctx.Method()...)
	b = append(b, `","path":`...)
	b = strconv.AppendQuote(b, string(ctx.Path()))
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(ctx.Response.StatusCode()), 10)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, int64(len(ctx.Response.Body())), 10)
	b = append(b, `,"ms":`...)
	b = strconv.AppendFloat(b, float64(time.Since(start).Microseconds())/1000, 'f', -1, 64)
	b = append(b, `,"ua":`...)
	b = strconv.AppendQuote(b, string(ctx.UserAgent()))
	b = append(b, "}\n"...)
	l.mu.Lock()
	_, _ = l.w.Write(b)
	l.mu.Unlock()
}

// floorInst is a running floor server.
type floorInst struct {
	p   *proc
	url string
}

// startFloor starts the floor server (this program, re-run) on the list
// cratos answered with plain and gz, with the headers of plain.
func (b *bench) startFloor(ctx context.Context, name string, plain, gz response) (*floorInst, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("floor server: %w", err)
	}
	dir := filepath.Join(b.tmp, "floor-"+name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("floor server: %w", err)
	}
	bodyFile, gzFile := filepath.Join(dir, "body"), filepath.Join(dir, "body.gz")
	if err := os.WriteFile(bodyFile, plain.body, 0o644); err != nil {
		return nil, fmt.Errorf("floor server: %w", err)
	}
	if err := os.WriteFile(gzFile, gz.body, 0o644); err != nil {
		return nil, fmt.Errorf("floor server: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("floor server: %w", err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	args := []string{floorCommand, "--listen", addr, "--body", bodyFile, "--gzip", gzFile, "--log", filepath.Join(dir, "access.log")}
	for _, h := range floorHeaders(plain.header) {
		args = append(args, "--header", h)
	}
	p, err := b.start("floor server", self, dir, args...)
	if err != nil {
		return nil, err
	}
	f := &floorInst{p: p, url: "http://" + addr + floorPath}
	if err := b.waitOK(ctx, p, 10*time.Second, f.url, nil); err != nil {
		return nil, err
	}
	return f, nil
}

// floorHeaders are the headers of cratos' answer that the floor server
// sends too: all but those fasthttp writes itself.
func floorHeaders(h http.Header) []string {
	var out []string
	for name, values := range h {
		switch name {
		case "Content-Length", "Date", "Connection", "Content-Encoding":
			continue
		}
		for _, v := range values {
			out = append(out, name+": "+v)
		}
	}
	return out
}

// floorRow is one variant of the floor table: the floor server against
// nginx, in turns.
type floorRow struct {
	Variant string
	Floor   wrkResult
	Nginx   wrkResult
}

// floor measures the floor server (floor.go) against nginx on the list
// cratos answered with plain and gz, for the same variants as hits.
func (b *bench) floor(ctx context.Context, plain, gz response, ngURL, ngETag string) ([]floorRow, error) {
	f, err := b.startFloor(ctx, "small", plain, gz)
	if err != nil {
		return nil, err
	}
	defer f.p.Stop(5 * time.Second)
	variants := []struct {
		name      string
		floor, ng []string
	}{
		{"identity", nil, nil},
		{"gzip", []string{"Accept-Encoding: gzip"}, []string{"Accept-Encoding: gzip"}},
		{"304", []string{"If-None-Match: " + plain.header.Get("ETag")}, []string{"If-None-Match: " + ngETag}},
	}
	if b.o.quick {
		variants = variants[2:] // 304s only: a smoke test of the floor server, not a measurement
	}
	var rows []floorRow
	for _, v := range variants {
		b.logf("floor %s: a minimal Go server and nginx in turns, %s each", v.name, b.o.duration)
		row := floorRow{Variant: v.name}
		row.Floor, row.Nginx, err = runPair(ctx, b.wrk, wrkTarget{f.url, v.floor}, wrkTarget{ngURL, v.ng}, b.o.connections, b.o.duration)
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// writeFloor writes the floor table, beside the small feed's cache-hit
// ratios.
func (r *report) writeFloor(p func(string, ...any)) {
	if len(r.Floor) == 0 {
		return
	}
	p("#### The floor: a minimal Go server\n\n")
	p("The small feed's txt list served by `cratos-bench %s` (floor.go): fasthttp, which cratos serves through, answering one path with the same bytes, the headers cratos sent and 304 to its ETag, and writing an access line per request to a file through a 64 KiB buffer, as cratos does; no authentication, routing, cache look-up or metrics. It runs against nginx in turns as above. Its ratio to nginx is about what a Go server doing no work of its own reaches on this machine; *cratos/floor* is how much of that cratos keeps.\n\n", floorCommand)
	p("| variant | floor req/s | nginx req/s | floor/nginx | cratos/nginx (above) | cratos/floor |\n|---|---:|---:|---:|---:|---:|\n")
	for _, f := range r.Floor {
		floorRatio := ratioOf(f.Floor.RPS, f.Nginx.RPS)
		cratosRatio := 0.0
		for _, h := range r.Hits {
			if h.Feed == "small" && h.Variant == f.Variant {
				cratosRatio = h.ratio()
			}
		}
		p("| %s | %.0f | %.0f | %.2f× | %.2f× | %.2f× |\n", f.Variant, f.Floor.RPS, f.Nginx.RPS, floorRatio, cratosRatio, ratioOf(cratosRatio, floorRatio))
	}
	p("\n")
}

// ratioOf is a/b, 0 when b is 0.
func ratioOf(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

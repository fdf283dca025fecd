package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// newClient returns an HTTP client for loopback servers that keeps up to
// conns connections and never asks for compression on its own.
func newClient(conns int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			DisableCompression:  true,
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			IdleConnTimeout:     time.Minute,
		},
		Timeout: 10 * time.Minute,
	}
}

// response is one answer, its body read in full.
type response struct {
	status int
	header http.Header
	body   []byte
	took   time.Duration
}

// do sends one request and reads the whole answer.
func do(ctx context.Context, c *http.Client, method, url string, hdr map[string]string) (response, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return response{}, fmt.Errorf("request %s: %w", url, err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	start := time.Now()
	res, err := c.Do(req)
	if err != nil {
		return response{}, fmt.Errorf("request %s: %w", url, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	took := time.Since(start)
	if err != nil {
		return response{}, fmt.Errorf("read %s: %w", url, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: body, took: took}, nil
}

// count sends one request and counts the bytes of the answer's body
// without keeping them.
func count(ctx context.Context, c *http.Client, url string, hdr map[string]string) (status int, header http.Header, n int64, err error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return 0, nil, 0, fmt.Errorf("request %s: %w", url, err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, nil, 0, fmt.Errorf("request %s: %w", url, err)
	}
	defer res.Body.Close()
	n, err = io.Copy(io.Discard, res.Body)
	if err != nil {
		return 0, nil, n, fmt.Errorf("read %s: %w", url, err)
	}
	return res.StatusCode, res.Header, n, nil
}

// loadResult summarises a closed-loop load: latencies of the answered
// requests, status counts and transport errors.
type loadResult struct {
	Requests int
	Errors   int
	Statuses map[int]int
	Elapsed  time.Duration
	lat      []time.Duration // sorted
}

// RPS is answered requests per second.
func (r loadResult) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Percentile returns the latency below which a share p (0-1) of the
// answered requests fall (nearest rank).
func (r loadResult) Percentile(p float64) time.Duration {
	return percentile(r.lat, p)
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// median returns the median of ds (which it sorts).
func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return percentile(ds, 0.5)
}

// load describes a load: workers each send one request at a time until
// total requests were sent (0: no limit) or stop is closed or ctx ends.
// With an interval, request i is not sent before start + i×interval, so
// the load keeps a steady rate as long as the workers keep up.
type load struct {
	client   *http.Client
	workers  int
	total    int
	interval time.Duration
	stop     <-chan struct{}
	request  func(i int) (*http.Request, error)
}

func (l load) run(ctx context.Context) loadResult {
	var (
		next  atomic.Int64
		mu    sync.Mutex
		res   = loadResult{Statuses: map[int]int{}}
		wg    sync.WaitGroup
		start = time.Now()
		now   = make(chan time.Time) // closed: no wait
	)
	close(now)
	for range l.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			statuses := map[int]int{}
			errs := 0
		loop:
			for {
				i := int(next.Add(1) - 1)
				if l.total > 0 && i >= l.total {
					break
				}
				var wait <-chan time.Time = now
				if l.interval > 0 {
					if d := time.Until(start.Add(time.Duration(i) * l.interval)); d > 0 {
						wait = time.After(d)
					}
				}
				select {
				case <-l.stop:
					break loop
				case <-ctx.Done():
					break loop
				case <-wait:
				}
				req, err := l.request(i)
				if err != nil {
					errs++
					continue
				}
				t := time.Now()
				resp, err := l.client.Do(req.WithContext(ctx))
				if err != nil {
					if !errors.Is(ctx.Err(), context.Canceled) {
						errs++
					}
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil {
					errs++
					continue
				}
				lat = append(lat, time.Since(t))
				statuses[resp.StatusCode]++
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			res.Errors += errs
			for k, v := range statuses {
				res.Statuses[k] += v
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Requests = len(res.lat)
	slices.Sort(res.lat)
	return res
}

// wrkResult is what a wrk run reports.
type wrkResult struct {
	RPS      float64
	P50, P99 time.Duration
	Requests int64
	// Bad counts non-2xx/3xx answers and socket errors (connect, read,
	// write, timeout).
	Bad int64
}

// runWrk runs wrk against url for d with conns connections.
func runWrk(ctx context.Context, wrk, url string, headers []string, conns int, d time.Duration) (wrkResult, error) {
	threads := min(conns, 2)
	secs := max(1, int(d.Round(time.Second).Seconds())) // wrk counts whole seconds
	args := []string{"-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns),
		"-d", strconv.Itoa(secs) + "s", "--timeout", "30s", "--latency"}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	args = append(args, url)
	cctx, cancel := context.WithTimeout(ctx, d+2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(cctx, wrk, args...).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %w: %s", url, err, strings.TrimSpace(string(out)))
	}
	r, err := parseWrk(string(out))
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %w", url, err)
	}
	return r, nil
}

var (
	wrkRPS      = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)\s*$`)
	wrkPct      = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s|m|h)\s*$`)
	wrkRequests = regexp.MustCompile(`(?m)^\s+([0-9]+) requests in `)
	wrkNon2xx   = regexp.MustCompile(`(?m)^\s+Non-2xx or 3xx responses:\s+([0-9]+)\s*$`)
	wrkSocket   = regexp.MustCompile(`(?m)^\s+Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)\s*$`)
)

// parseWrk reads the summary wrk --latency prints.
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	m := wrkRPS.FindStringSubmatch(out)
	if m == nil {
		return r, errors.New("parse wrk output: no Requests/sec line")
	}
	r.RPS, _ = strconv.ParseFloat(m[1], 64)
	if m = wrkRequests.FindStringSubmatch(out); m == nil {
		return r, errors.New("parse wrk output: no request count")
	}
	r.Requests, _ = strconv.ParseInt(m[1], 10, 64)
	pcts := wrkPct.FindAllStringSubmatch(out, -1)
	if len(pcts) != 2 {
		return r, errors.New("parse wrk output: no latency distribution (run with --latency)")
	}
	for _, p := range pcts {
		d, err := wrkDuration(p[2], p[3])
		if err != nil {
			return r, err
		}
		if p[1] == "50" {
			r.P50 = d
		} else {
			r.P99 = d
		}
	}
	if m = wrkNon2xx.FindStringSubmatch(out); m != nil {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		r.Bad += n
	}
	if m = wrkSocket.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.ParseInt(s, 10, 64)
			r.Bad += n
		}
	}
	return r, nil
}

// wrkDuration converts wrk's "1.20ms" style to a duration.
func wrkDuration(num, unit string) (time.Duration, error) {
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("parse wrk latency %s%s: %w", num, unit, err)
	}
	scale := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour}[unit]
	return time.Duration(v * float64(scale)), nil
}

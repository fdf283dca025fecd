package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// tokenResult is the token verification scenario.
type tokenResult struct {
	Tokens        int
	First, Repeat time.Duration // medians, 304 answers on one connection
	Baseline      loadResult    // valid requests alone
	Floods        []floodRun
	RSS           int64
}

// floodRun is valid requests measured while invalid tokens arrive.
type floodRun struct {
	Rate    float64 // invalid requests per second asked for; 0: as fast as possible
	Valid   loadResult
	Invalid loadResult
}

// tokens measures the first request with a fresh token against repeated
// ones, then valid-request latency alone and during two floods of invalid
// tokens: one paced over --duration, one as fast as the connections go.
// auth_fail_limit is raised so every invalid token is verified rather than
// refused early with 429, the costlier case.
func (b *bench) tokens(ctx context.Context, m *mispInst) (*tokenResult, error) {
	cc, err := b.newConfig("tokens", "auth_fail_limit: 100000000\n")
	if err != nil {
		return nil, err
	}
	b.logf("token verification: minting %d tokens", b.o.tokens+1)
	toks := make([]string, b.o.tokens+1)
	for i := range toks {
		if toks[i], err = b.mint(ctx, cc, m.url); err != nil {
			return nil, err
		}
	}
	own, fresh := toks[0], toks[1:]
	c, err := b.startCratos(ctx, cc)
	if err != nil {
		return nil, err
	}
	defer c.p.Stop(10 * time.Second)
	r, err := b.feed(ctx, c, own, "txt", nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	etag := r.header.Get("ETag")
	res := &tokenResult{Tokens: len(fresh)}
	probe := startRSS(c.pid())
	defer func() { res.RSS = probe.peak() }()

	// One connection, so that connection set-up is never in a timing.
	one := newClient(1)
	defer one.CloseIdleConnections()
	cond := map[string]string{"If-None-Match": etag}
	get304 := func(tok string) (time.Duration, error) {
		cond["token"] = tok
		r, err := do(ctx, one, "GET", c.base+feedPrefix+"txt", cond)
		if err != nil {
			return 0, c.p.failure(err)
		}
		if r.status != http.StatusNotModified {
			return 0, c.p.failure(fmt.Errorf("conditional GET: status %d, want 304", r.status))
		}
		return r.took, nil
	}
	if _, err := get304(own); err != nil {
		return res, err
	}
	var firsts, repeats []time.Duration
	for _, tok := range fresh {
		d, err := get304(tok)
		if err != nil {
			return res, err
		}
		firsts = append(firsts, d)
		for range 20 {
			d, err := get304(tok)
			if err != nil {
				return res, err
			}
			repeats = append(repeats, d)
		}
	}
	res.First, res.Repeat = median(firsts), median(repeats)

	url := c.base + feedPrefix + "txt"
	valid := func(stop <-chan struct{}) load {
		return load{client: newClient(1), workers: 1, stop: stop, request: func(int) (*http.Request, error) {
			req, err := http.NewRequest("GET", url, nil)
			if err == nil {
				req.Header.Set("token", own)
			}
			return req, err
		}}
	}
	b.logf("token verification: valid requests alone for %s", b.o.duration)
	stop := make(chan struct{})
	time.AfterFunc(b.o.duration, func() { close(stop) })
	res.Baseline = valid(stop).run(ctx)
	if res.Baseline.Statuses[http.StatusOK] != res.Baseline.Requests || res.Baseline.Errors > 0 {
		return res, fmt.Errorf("valid requests alone: statuses %v, %d errors", res.Baseline.Statuses, res.Baseline.Errors)
	}

	forge, err := newForger(own, b.o.seed)
	if err != nil {
		return res, err
	}
	var fmu sync.Mutex
	paced := float64(b.o.invalid) / b.o.duration.Seconds()
	for _, rate := range []float64{paced, 0} {
		b.logf("token verification: %d invalid tokens on %d connections (rate %.0f/s, 0: unpaced) with valid requests alongside", b.o.invalid, b.o.connections, rate)
		invalid := load{client: newClient(b.o.connections), workers: b.o.connections, total: b.o.invalid,
			request: func(int) (*http.Request, error) {
				req, err := http.NewRequest("GET", url, nil)
				if err == nil {
					fmu.Lock()
					req.Header.Set("token", forge.next())
					fmu.Unlock()
				}
				return req, err
			}}
		if rate > 0 {
			invalid.interval = time.Duration(float64(time.Second) / rate)
		}
		fr := floodRun{Rate: rate}
		lctx, cancel := context.WithTimeout(ctx, 10*b.o.duration+time.Minute)
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			fr.Valid = valid(done).run(lctx)
		}()
		fr.Invalid = invalid.run(lctx)
		close(done)
		wg.Wait()
		cancel()
		res.Floods = append(res.Floods, fr)
		switch {
		case fr.Valid.Statuses[http.StatusOK] != fr.Valid.Requests || fr.Valid.Errors > 0:
			return res, fmt.Errorf("valid requests under the flood: statuses %v, %d errors", fr.Valid.Statuses, fr.Valid.Errors)
		case fr.Invalid.Statuses[http.StatusForbidden] != b.o.invalid:
			return res, fmt.Errorf("invalid tokens: statuses %v, %d errors; want %d × 403", fr.Invalid.Statuses, fr.Invalid.Errors, b.o.invalid)
		}
	}
	return res, nil
}

// forger makes random tokens shaped like real ones (Fernet version byte,
// same length, canonical base64url) so that the server checks each MAC
// rather than rejecting the encoding.
type forger struct {
	r   *rand.Rand
	raw []byte
}

func newForger(sample string, seed int64) (*forger, error) {
	raw, err := base64.URLEncoding.DecodeString(sample)
	if err != nil || len(raw) < 1 || raw[0] != 0x80 {
		return nil, fmt.Errorf("forge tokens: sample token is not a Fernet token")
	}
	return &forger{r: rand.New(rand.NewPCG(uint64(seed), 0x7f4a7c15)), raw: make([]byte, len(raw))}, nil
}

func (f *forger) next() string {
	for i := range f.raw {
		f.raw[i] = byte(f.r.Uint32())
	}
	f.raw[0] = 0x80
	return base64.URLEncoding.EncodeToString(f.raw)
}

package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The MISP-load scenario: three `cratos serve` replicas sharing one
// memcached serve every data type at three ages of one feed, and mispsim
// counts what MISP did for them.

// mispLoadFeed is the feed the scenario reads; it takes unpublished
// events too, so edits (which unpublish) keep their events in it.
const mispLoadFeed = "incident"

// mispLoadReplicas is how many replicas share the feed.
const mispLoadReplicas = 3

// mispLoadEdits is how many attributes are changed through the write API.
const mispLoadEdits = 1000

// mispLoadDataTypes are the data types asked for: every one.
var mispLoadDataTypes = []string{"ipv4ext", "ipv4", "ipv6", "cidr4", "domain", "hostname", "url", "file-md5", "file-sha1",
	"file-sha256", "mutex", "snort", "yara", "sigma", "x509-fingerprint-md5", "x509-fingerprint-sha1", "x509-fingerprint-sha256",
	"email-address", "email-subject", "email-attachment", "vulnerability", "ja3", "hassh-md5", "hasshserver-md5", "imphash",
	"crypto-currency"}

var mispLoadAges = []string{"1d", "30d", "10y"}

// mispLoadRow is what MISP did in one step of the scenario.
type mispLoadRow struct {
	Step       string
	Requests   int64 // restSearch requests
	Attributes int64 // attributes returned
	Took       time.Duration
}

// mispLoadResult is the scenario's outcome.
type mispLoadResult struct {
	Size     int
	Interval time.Duration // the lists' lifetime: one refresh interval
	Lists    int           // lists asked of each replica
	Rows     []mispLoadRow
	Latency  time.Duration // from a write to its list being served
	// Refresh is from the first answer past the list's lifetime (served
	// REVALIDATING while the refresh runs) to the first with the write.
	Refresh time.Duration
}

// mispCounters are mispsim's counters at GET /mispsim/stats.
type mispCounters struct {
	Requests   int64 `json:"restsearch_requests"`
	Attributes int64 `json:"attributes_returned"`
}

// mispLoad runs the scenario against a mispsim of size attributes.
func (b *bench) mispLoad(ctx context.Context, size int) (*mispLoadResult, error) {
	res := &mispLoadResult{Size: size, Interval: b.o.mispLoadInterval, Lists: len(mispLoadDataTypes) * len(mispLoadAges)}
	m, err := b.startMISP(ctx, size)
	if err != nil {
		return res, err
	}
	defer m.p.Stop(5 * time.Second)
	mc, err := b.startMemcached(ctx)
	if err != nil {
		return res, err
	}
	defer mc.p.Stop(5 * time.Second)
	host, port, _ := strings.Cut(mc.addr, ":")
	extra := fmt.Sprintf("memcached_host: %q\nmemcached_port: %q\ncold_builds_per_minute: 100000\nrenders_per_minute: 100000\nmisp_max_attributes: 10000000\n", host, port)
	var replicas []*cratosInst
	var tok string
	for i := range mispLoadReplicas {
		cc, err := b.newConfig("misp-load-"+strconv.Itoa(i), extra)
		if err != nil {
			return res, err
		}
		if i == 0 {
			if tok, err = b.mint(ctx, cc, m.url); err != nil {
				return res, err
			}
		}
		c, err := b.startCratos(ctx, cc)
		if err != nil {
			return res, err
		}
		defer c.p.Stop(10 * time.Second)
		replicas = append(replicas, c)
	}
	lifetime := strconv.Itoa(int(res.Interval / time.Second))
	var paths []string
	for _, dt := range mispLoadDataTypes {
		for _, age := range mispLoadAges {
			paths = append(paths, "/v1/feed/"+mispLoadFeed+"/type/"+dt+"/age/"+age+"/output/json?cache="+lifetime)
		}
	}
	ask := &listAsker{b: b, replicas: replicas, token: tok, paths: paths}
	step := func(name string, run func() error) error {
		if _, err := b.mispStats(ctx, m, true); err != nil {
			return err
		}
		start := time.Now()
		if err := run(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		c, err := b.mispStats(ctx, m, false)
		res.Rows = append(res.Rows, mispLoadRow{Step: name, Requests: c.Requests, Attributes: c.Attributes, Took: time.Since(start)})
		b.logf("misp load, %s: %d restSearch requests, %d attributes", name, c.Requests, c.Attributes)
		return err
	}
	nextInterval := func() { sleepCtx(ctx, res.Interval+2*time.Second) }
	if err := step("first full read", func() error { return ask.untilHits(ctx) }); err != nil {
		return res, err
	}
	nextInterval()
	if err := step("one refresh interval, nothing changed", func() error { return ask.untilHits(ctx) }); err != nil {
		return res, err
	}
	if err := b.editAttributes(ctx, m, size); err != nil {
		return res, err
	}
	nextInterval()
	if err := step(fmt.Sprintf("one refresh interval after %d attribute edits", mispLoadEdits), func() error { return ask.untilHits(ctx) }); err != nil {
		return res, err
	}
	res.Latency, res.Refresh, err = b.refreshLatency(ctx, m, ask)
	return res, err
}

// listAsker asks every replica for every list.
type listAsker struct {
	b        *bench
	replicas []*cratosInst
	token    string
	paths    []string
}

// untilHits asks every replica for every list, 8 lists at a time, each
// until it answers as a cache hit (untilHit).
func (a *listAsker) untilHits(ctx context.Context) error {
	var (
		mu        sync.Mutex
		firstErr  error
		wg        sync.WaitGroup
		semaphore = make(chan struct{}, 8)
	)
	for _, c := range a.replicas {
		for _, path := range a.paths {
			wg.Go(func() {
				semaphore <- struct{}{}
				defer func() { <-semaphore }()
				if err := a.untilHit(ctx, c, path); err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, err)
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	return firstErr
}

// untilHit asks c for the list at path until it answers as a cache hit. A
// list past its lifetime is answered while it is rebuilt in the
// background, and asked again a tenth of a second later, so the ask that
// follows the rebuild comes well within the rebuilt list's lifetime: asking
// each list once a round, a round slower than the lifetime (a loaded
// machine, the quick run's three seconds) could find every rebuilt list
// expired again.
func (a *listAsker) untilHit(ctx context.Context, c *cratosInst, path string) error {
	for asked := 1; ; asked++ {
		r, err := do(ctx, a.b.client, "GET", c.base+path, map[string]string{"token": a.token})
		switch {
		case err != nil:
			return c.p.failure(err)
		case r.status != http.StatusOK:
			return c.p.failure(fmt.Errorf("GET %s: status %d: %.200s", path, r.status, r.body))
		case r.header.Get("X-Cache") == "HIT":
			return nil
		case asked >= 3000:
			return fmt.Errorf("GET %s: not served as HIT in %d requests", path, asked)
		}
		sleepCtx(ctx, 100*time.Millisecond)
	}
}

// mispStats reads mispsim's counters, zeroing them when reset is set.
func (b *bench) mispStats(ctx context.Context, m *mispInst, reset bool) (mispCounters, error) {
	method, path := "GET", "/mispsim/stats"
	if reset {
		method, path = "POST", "/mispsim/stats/reset"
	}
	r, err := do(ctx, b.client, method, m.url+path, map[string]string{"Authorization": mispKey, "Accept": "application/json"})
	var c mispCounters
	if err == nil && (r.status != http.StatusOK || json.Unmarshal(r.body, &c) != nil) {
		err = fmt.Errorf("mispsim %s: status %d", path, r.status)
	}
	return c, err
}

// errRefused marks a write mispsim answered with an error status.
var errRefused = errors.New("refused")

// mispWrite posts body to a write endpoint of mispsim.
func (b *bench) mispWrite(ctx context.Context, m *mispInst, path, body string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.url+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", mispKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	r, err := b.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", path, err)
	}
	defer r.Body.Close()
	out, err := io.ReadAll(r.Body)
	if err == nil && r.StatusCode != http.StatusOK {
		err = fmt.Errorf("POST %s: status %d: %.200s: %w", path, r.StatusCode, out, errRefused)
	}
	return out, err
}

// editAttributes flips to_ids off on mispLoadEdits attributes spread over
// the store; an edit MISP refuses (the attribute would repeat another of
// its event) is replaced by one of another attribute.
func (b *bench) editAttributes(ctx context.Context, m *mispInst, size int) error {
	rng := rand.New(rand.NewPCG(uint64(b.o.seed), 2))
	done, refused := 0, 0
	for done < mispLoadEdits {
		id := 1 + rng.IntN(size)
		_, err := b.mispWrite(ctx, m, "/attributes/edit/"+strconv.Itoa(id), `{"to_ids":false,"comment":"edited"}`)
		switch {
		case err == nil:
			done++
		case errors.Is(err, errRefused) && refused < 10*mispLoadEdits:
			refused++
		default:
			return err
		}
	}
	return nil
}

// refreshLatency adds an event of the feed holding a new address and
// returns how long it takes until a replica serves the address in the
// feed's IPv4 list, and how much of that the refresh took: from the
// first answer served REVALIDATING (the list's lifetime had passed and
// its refresh began) to the first answer holding the address.
func (b *bench) refreshLatency(ctx context.Context, m *mispInst, ask *listAsker) (latency, refresh time.Duration, err error) {
	const value = "100.128.203.7"
	written := time.Now()
	if _, err := b.mispWrite(ctx, m, "/events/add", `{"info":"refresh latency probe","Tag":[{"name":"cratos:incident-classification=`+mispLoadFeed+
		`"}],"Attribute":[{"type":"ip-dst","category":"Network activity","to_ids":true,"value":"`+value+`"}]}`); err != nil {
		return 0, 0, err
	}
	path := "/v1/feed/" + mispLoadFeed + "/type/ipv4/age/1d/output/txt?cache=" + strconv.Itoa(int(b.o.mispLoadInterval/time.Second))
	limit := 3*b.o.mispLoadInterval + 2*time.Minute
	var revalidating time.Time
	for i := 0; time.Since(written) < limit; i++ {
		c := ask.replicas[i%len(ask.replicas)]
		asked := time.Now()
		r, err := do(ctx, b.client, "GET", c.base+path, map[string]string{"token": ask.token})
		if err != nil {
			return 0, 0, c.p.failure(err)
		}
		if revalidating.IsZero() && r.header.Get("X-Cache") == "REVALIDATING" {
			revalidating = asked
		}
		if r.status == http.StatusOK && slices.Contains(strings.Fields(string(r.body)), value) {
			if !revalidating.IsZero() {
				refresh = time.Since(revalidating)
			}
			return time.Since(written), refresh, nil
		}
		sleepCtx(ctx, 100*time.Millisecond)
	}
	return 0, 0, fmt.Errorf("the added address was not served within %s", limit)
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// writeMISPLoad renders the scenario's table.
func (r *report) writeMISPLoad(p func(string, ...any)) {
	p("#### MISP load with %d replicas sharing memcached\n\n", mispLoadReplicas)
	ml := r.MISPLoad
	if ml == nil {
		p("Not measured.\n\n")
		return
	}
	p("mispsim with %s generated attributes; %d `cratos serve` replicas with one memcached; each replica asked for the `%s` feed's %d lists "+
		"(%d data types × ages %s, json, `?cache=%d`) until each has answered every list once as a HIT. Counts are mispsim's (`GET /mispsim/stats`). "+
		"Edits are `to_ids` flips through `POST /attributes/edit/{id}` on random attributes. "+
		"*Refresh latency*: from `POST /events/add` of an event of the feed with a new address to a replica serving it in the feed's IPv4 list (lists live one interval, so this includes waiting for the list's lifetime to pass); "+
		"*refresh*: the part of it from the first answer served REVALIDATING (lifetime passed, refresh begun) to the first holding the address.\n\n",
		fmtCount(ml.Size), mispLoadReplicas, mispLoadFeed, ml.Lists, len(mispLoadDataTypes), strings.Join(mispLoadAges, ", "), int(ml.Interval/time.Second))
	p("| step | restSearch requests | attributes returned | took |\n|---|---:|---:|---:|\n")
	for _, row := range ml.Rows {
		p("| %s | %d | %d | %s |\n", row.Step, row.Requests, row.Attributes, fmtDur(row.Took))
	}
	if ml.Latency > 0 {
		p("| refresh latency (write to served) | | | %s |\n", fmtDur(ml.Latency))
	}
	if ml.Refresh > 0 {
		p("| refresh (lifetime passed to served) | | | %s |\n", fmtDur(ml.Refresh))
	}
	p("\n")
}

// mispLoadPhase runs the MISP-load scenario into rep.
func (b *bench) mispLoadPhase(ctx context.Context, rep *report) {
	res, err := b.mispLoad(ctx, b.o.mispLoadSize)
	rep.MISPLoad = res
	rep.fail("MISP load", err)
}

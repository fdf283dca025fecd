package consumers

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cratos-project/cratos/core/config"
)

// LateFactor is how many expect_every intervals may pass without a pull
// before a consumer is late.
const LateFactor = 3

// Bounds on what is kept of client-supplied text and of unnamed tokens.
const (
	maxList      = 512
	maxUserAgent = 256
	maxETag      = 128
)

// Pull is one request for a list.
type Pull struct {
	Site        string
	Fingerprint string // sha256 hex of the token
	Time        time.Time
	List        string // the request path, without the query
	Status      int    // HTTP status answered
	Bytes       int    // body bytes sent (compressed when gzip was sent)
	ETag        string
	UserAgent   string
	Addr        string // client address
	// What was served, for 200 and 304 answers; Entries is -1 otherwise.
	Entries int
	Size    int       // the list's uncompressed size
	Built   time.Time // when the list's content was read from MISP
	Cache   string    // HIT, MISS or STALE
}

// Served reports whether the pull got a list (200) or a confirmation that
// its copy is current (304).
func (p Pull) Served() bool { return p.Status == 200 || p.Status == 304 }

// ListState is what was last served of one list of a site.
type ListState struct {
	Site, List string
	Entries    int
	Size       int
	Built      time.Time
	Cache      string
	LastServed time.Time
	Pulls      int64
}

// Stale reports whether the list was last served from the last good copy
// because MISP failed.
func (l ListState) Stale() bool { return l.Cache == "STALE" }

// Status is a consumer named in a site file and how it is doing.
type Status struct {
	Site        string
	Name        string
	Fingerprint string
	ExpectEvery time.Duration
	Last        Pull // zero Time: no pull since the start
	Late        bool
	// Due is when the consumer becomes (or became) late.
	Due time.Time
}

// Options configure a Tracker.
type Options struct {
	Sites  *config.Sites
	Now    func() time.Time
	Logger *slog.Logger
	// MaxUnnamed bounds the tokens without a name that are remembered
	// (default 256); the least recent is forgotten first.
	MaxUnnamed int
	// MaxLists bounds the lists remembered (default 4096); the least
	// recently served is forgotten first.
	MaxLists int
}

type key struct{ site, fp string }

// Tracker records pulls. It is safe for concurrent use.
type Tracker struct {
	opts  Options
	start time.Time

	mu      sync.Mutex
	last    map[key]Pull
	flagged map[key]bool
	lists   map[key]*ListState // key{site, list}
}

// New returns a Tracker; consumers that never pull are late counted from
// now.
func New(opts Options) *Tracker {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxUnnamed <= 0 {
		opts.MaxUnnamed = 256
	}
	if opts.MaxLists <= 0 {
		opts.MaxLists = 4096
	}
	return &Tracker{opts: opts, start: opts.Now(), last: map[key]Pull{}, flagged: map[key]bool{}, lists: map[key]*ListState{}}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// consumer returns the site's consumer entry for a fingerprint.
func (t *Tracker) consumer(site, fp string) (config.Consumer, bool) {
	if t.opts.Sites == nil {
		return config.Consumer{}, false
	}
	st, ok := t.opts.Sites.Get(site)
	if !ok {
		return config.Consumer{}, false
	}
	return st.ConsumerName(fp)
}

// Record notes a pull.
func (t *Tracker) Record(p Pull) {
	p.List = clip(p.List, maxList)
	p.UserAgent = clip(p.UserAgent, maxUserAgent)
	p.ETag = clip(p.ETag, maxETag)
	c, named := t.consumer(p.Site, p.Fingerprint)
	k := key{p.Site, p.Fingerprint}

	t.mu.Lock()
	defer t.mu.Unlock()
	if _, seen := t.last[k]; !seen && !named {
		t.makeRoomUnnamed()
	}
	t.last[k] = p
	if named && t.flagged[k] {
		delete(t.flagged, k)
		t.opts.Logger.Info("consumer pulling again", "site", p.Site, "consumer", c.Name, "list", p.List, "status", p.Status)
	}
	if p.Status == 200 && p.Entries >= 0 {
		t.noteList(p)
	} else if p.Status == 304 {
		if l, ok := t.lists[key{p.Site, p.List}]; ok {
			l.LastServed, l.Pulls, l.Cache = p.Time, l.Pulls+1, p.Cache
		}
	}
}

func (t *Tracker) noteList(p Pull) {
	lk := key{p.Site, p.List}
	l, ok := t.lists[lk]
	if !ok {
		if len(t.lists) >= t.opts.MaxLists {
			var oldest key
			var at time.Time
			for k, v := range t.lists {
				if at.IsZero() || v.LastServed.Before(at) {
					oldest, at = k, v.LastServed
				}
			}
			delete(t.lists, oldest)
		}
		l = &ListState{Site: p.Site, List: p.List}
		t.lists[lk] = l
	}
	l.Entries, l.Size, l.Built, l.Cache, l.LastServed = p.Entries, p.Size, p.Built, p.Cache, p.Time
	l.Pulls++
}

// makeRoomUnnamed forgets the least recent pulls of tokens that no site
// names until fewer than MaxUnnamed remain. It counts them each time: a
// reload may have named tokens remembered as unnamed, or taken the name
// of others. Called with mu held.
func (t *Tracker) makeRoomUnnamed() {
	var unnamed []key
	for k := range t.last {
		if _, named := t.consumer(k.site, k.fp); !named {
			unnamed = append(unnamed, k)
		}
	}
	excess := len(unnamed) - t.opts.MaxUnnamed + 1
	if excess <= 0 {
		return
	}
	slices.SortFunc(unnamed, func(a, b key) int { return t.last[a].Time.Compare(t.last[b].Time) })
	for _, k := range unnamed[:excess] {
		delete(t.last, k)
	}
}

// Consumers returns every consumer the site files name, sorted by site
// and name, with its last pull and whether it is late.
func (t *Tracker) Consumers() []Status {
	now := t.opts.Now()
	var out []Status
	if t.opts.Sites == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, site := range t.opts.Sites.All() {
		for fp, c := range site.Consumers {
			st := Status{Site: site.Name, Name: c.Name, Fingerprint: fp, ExpectEvery: c.ExpectEvery, Last: t.last[key{site.Name, fp}]}
			if c.ExpectEvery > 0 {
				ref := st.Last.Time
				if ref.IsZero() {
					ref = t.start
				}
				st.Due = ref.Add(LateFactor * c.ExpectEvery)
				st.Late = now.After(st.Due)
			}
			out = append(out, st)
		}
	}
	slices.SortFunc(out, func(a, b Status) int {
		if c := strings.Compare(a.Site, b.Site); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// Unnamed returns the last pull of each remembered token that no site
// file names, most recent first.
func (t *Tracker) Unnamed() []Pull {
	var out []Pull
	t.mu.Lock()
	for k, p := range t.last {
		if _, named := t.consumer(k.site, k.fp); !named {
			out = append(out, p)
		}
	}
	t.mu.Unlock()
	slices.SortFunc(out, func(a, b Pull) int { return b.Time.Compare(a.Time) })
	return out
}

// Lists returns what was last served of each list, by site and path.
func (t *Tracker) Lists() []ListState {
	t.mu.Lock()
	out := make([]ListState, 0, len(t.lists))
	for _, l := range t.lists {
		out = append(out, *l)
	}
	t.mu.Unlock()
	slices.SortFunc(out, func(a, b ListState) int {
		if c := strings.Compare(a.Site, b.Site); c != 0 {
			return c
		}
		return strings.Compare(a.List, b.List)
	})
	return out
}

// Check logs each consumer that has fallen late since the last Check, once,
// and returns how many consumers are late.
func (t *Tracker) Check() int {
	late := 0
	for _, st := range t.Consumers() {
		if !st.Late {
			continue
		}
		late++
		k := key{st.Site, st.Fingerprint}
		t.mu.Lock()
		already := t.flagged[k]
		t.flagged[k] = true
		t.mu.Unlock()
		if already {
			continue
		}
		last := "never"
		if !st.Last.Time.IsZero() {
			last = st.Last.Time.UTC().Format(time.RFC3339)
		}
		t.opts.Logger.Warn("consumer late", "site", st.Site, "consumer", st.Name, "expect_every", st.ExpectEvery.String(),
			"last_pull", last, "last_list", st.Last.List)
	}
	return late
}

// Watch runs Check every interval until ctx is done.
func (t *Tracker) Watch(ctx context.Context, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			t.Check()
		}
	}
}

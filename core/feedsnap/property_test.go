package feedsnap_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
	_ "github.com/cratos-project/cratos/renderers/all"
)

const (
	tagBlock    = "cratos:incident-classification=block"
	tagIncident = "cratos:incident-classification=incident"
	tagFP       = "cratos:incident-classification=false-positive"
)

// feedQueries are the searches of three kinds of feed: published only with
// warninglists, unpublished events included, and no feed tag.
var feedQueries = map[string]misp.Query{
	"block":    {Types: unionTypes(), Tags: []string{"!" + tagFP, tagBlock}, Published: true, EnforceWarninglist: true},
	"incident": {Types: unionTypes(), Tags: []string{"!" + tagFP, tagIncident}, EnforceWarninglist: true},
	"42":       {Types: unionTypes(), Tags: []string{"!" + tagFP}, Published: true},
}

func unionTypes() []string {
	var out []string
	for _, dt := range indicator.DataTypes() {
		out = append(out, dt.MISPTypes...)
	}
	return out
}

// world is one small emulated MISP and what the test knows of it.
type world struct {
	t      testing.TB
	rng    *rand.Rand
	clock  atomic.Int64
	sim    *mispsim.Server
	srv    *httptest.Server
	search feedsnap.Search
	src    feedsnap.Source
	events []int64
	attrs  []int64 // live attribute ids
	log    []string

	// ticking makes a second pass at each reading of the clock: a MISP
	// busy saving and correlating.
	ticking atomic.Bool
}

func newWorld(t testing.TB, seed uint64) *world {
	return newWorldWith(t, seed, mispsim.Options{})
}

// newWorldWith is newWorld with the emulator's options (its clock is the
// world's).
func newWorldWith(t testing.TB, seed uint64, opts mispsim.Options) *world {
	w := &world{t: t, rng: rand.New(rand.NewPCG(seed, 7))}
	w.clock.Store(time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC).Unix())
	opts.Now = w.now
	sim := misptest.New(t, opts)
	if _, err := sim.AddWarninglist(mispsim.Warninglist{Name: "known", Type: "string", List: []string{"198.51.100.7", "warn.example"}}); err != nil {
		t.Fatal(err)
	}
	w.sim, w.srv = sim, httptest.NewServer(sim)
	t.Cleanup(w.close)
	client := misp.New(misp.Options{Site: "s", BaseURL: w.srv.URL, Key: mispsim.DefaultKey, Timeout: time.Minute})
	pageSize := 1 + w.rng.IntN(6) // small pages: paging is part of what is tested
	w.search = func(ctx context.Context, q misp.Query, newSink func() func(indicator.Attribute)) (int, error) {
		return client.ScanAttributes(ctx, q, pageSize, 2, newSink) // borrowed, as Cratos reads feeds
	}
	w.src = feedsnap.Source{Search: w.search, Events: client.Events, Tags: client.Tags}
	// Tags must exist before addTag can attach them.
	w.post("/events/add", map[string]any{"info": "tags", "Tag": []map[string]string{{"name": tagBlock}, {"name": tagIncident}, {"name": tagFP}}})
	return w
}

func (w *world) now() time.Time {
	if w.ticking.Load() {
		return time.Unix(w.clock.Add(1), 0)
	}
	return time.Unix(w.clock.Load(), 0)
}

// close stops the world's emulator and lets it go: a test running
// thousands of sequences closes each as it ends rather than holding every
// emulator until the test does. Closing twice is harmless.
func (w *world) close() {
	if w.srv != nil {
		w.srv.Close()
		w.srv, w.sim = nil, nil
	}
}

// post sends one write to the emulator's HTTP API, in process.
func (w *world) post(path string, body any) map[string]any {
	w.t.Helper()
	b, _ := json.Marshal(body)
	rec := w.call(http.MethodPost, path, b)
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	w.log = append(w.log, fmt.Sprintf("t=%d %s %s -> %d", w.clock.Load(), path, b, rec.Code))
	return out
}

func (w *world) call(method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", mispsim.DefaultKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	w.sim.ServeHTTP(rec, req)
	return rec
}

var values = map[string][]string{
	"ip-dst":   {"192.0.2.1", "192.0.2.2", "198.51.100.7", "10.1.0.0/24", "2001:db8::1"},
	"ip-src":   {"192.0.2.1", "203.0.113.9"},
	"domain":   {"bad.example", "warn.example", "Evil.Example."},
	"hostname": {"www.bad.example", "mail.evil.example"},
	"url":      {"http://bad.example/x", "https://evil.example/a?b=c"},
	"md5":      {"d41d8cd98f00b204e9800998ecf8427e", "0123456789abcdef0123456789abcdef"},
	"comment":  {"not an indicator"},
}

var valueTypes = []string{"ip-dst", "ip-src", "domain", "hostname", "url", "md5", "comment"}

func (w *world) pick(list []string) string { return list[w.rng.IntN(len(list))] }

// newAttribute is a random attribute, often dated in the past so ages
// select among them.
func (w *world) newAttribute() map[string]any {
	typ := w.pick(valueTypes)
	a := map[string]any{"type": typ, "value": w.pick(values[typ]), "to_ids": w.rng.IntN(3) > 0, "category": "Network activity"}
	if typ == "md5" {
		a["category"] = "Payload delivery"
	}
	if typ == "comment" {
		a["category"] = "Other"
	}
	if w.rng.IntN(2) == 0 {
		a["timestamp"] = w.clock.Load() - int64(w.rng.IntN(3*86400))
	}
	return a
}

// notBackdated moves an explicit timestamp of a to now or later: an
// attribute of an existing event added or edited with a timestamp before
// the refresh window is a write only the full read catches
// (core/misp/README.md).
func (w *world) notBackdated(a map[string]any) map[string]any {
	if _, dated := a["timestamp"]; dated {
		a["timestamp"] = w.clock.Load() + int64(w.rng.IntN(100))
	}
	return a
}

func (w *world) eventTags() []map[string]string {
	var tags []map[string]string
	for _, t := range []string{tagBlock, tagIncident, tagFP} {
		if w.rng.IntN(3) == 0 {
			tags = append(tags, map[string]string{"name": t})
		}
	}
	return tags
}

// addEvent adds an event; a backdated one (as another MISP's event comes
// in by synchronisation) has an old event timestamp but attributes
// stamped now, or no refresh could see it.
func (w *world) addEvent(backdated bool) {
	var attrs []map[string]any
	for range w.rng.IntN(4) {
		a := w.newAttribute()
		if backdated {
			delete(a, "timestamp")
		}
		attrs = append(attrs, a)
	}
	event := map[string]any{"info": "e", "published": w.rng.IntN(2) == 0, "Tag": w.eventTags(), "Attribute": attrs}
	if backdated {
		event["timestamp"] = w.clock.Load() - 86400
		event["published"] = false
	}
	out := w.post("/events/add", event)
	ev, _ := out["Event"].(map[string]any)
	if ev == nil {
		return
	}
	w.events = append(w.events, idOf(ev["id"]))
	list, _ := ev["Attribute"].([]any)
	for _, a := range list {
		w.attrs = append(w.attrs, idOf(a.(map[string]any)["id"]))
	}
}

// eventTimestamp reads an event's timestamp.
func (w *world) eventTimestamp(id int64) int64 {
	var doc struct{ Event struct{ Timestamp any } }
	_ = json.Unmarshal(w.call(http.MethodGet, fmt.Sprintf("/events/view/%d", id), nil).Body.Bytes(), &doc)
	return idOf(doc.Event.Timestamp)
}

func idOf(v any) int64 {
	var n int64
	fmt.Sscan(fmt.Sprint(v), &n)
	return n
}

// step makes one random MISP write (or moves the clock).
func (w *world) step() {
	if len(w.events) == 0 {
		w.addEvent(false)
		return
	}
	ev := w.events[w.rng.IntN(len(w.events))]
	tag := w.pick([]string{tagBlock, tagIncident, tagFP})
	switch w.rng.IntN(15) {
	case 0:
		w.addEvent(false)
	case 14: // deleted for good: nothing a timestamp filter finds shows it
		w.post(fmt.Sprintf("/events/delete/%d", ev), nil)
		w.events = slices.DeleteFunc(w.events, func(id int64) bool { return id == ev })
		if w.rng.IntN(2) == 0 { // MySQL before 8.0 restarted: the next event may take its id
			w.sim.RestartDatabase()
			w.log = append(w.log, fmt.Sprintf("t=%d database restarted", w.clock.Load()))
		}
	case 12:
		w.addEvent(true)
	case 13: // an edit that keeps the event's timestamp old: a new attribute, stamped now
		// (a write with every timestamp before the window is what only the
		// full read catches, core/misp/README.md)
		a := w.newAttribute()
		delete(a, "timestamp")
		w.post(fmt.Sprintf("/events/edit/%d", ev), map[string]any{"timestamp": w.eventTimestamp(ev) + 1, "published": false,
			"Attribute": []map[string]any{a}})
	case 1:
		out := w.post(fmt.Sprintf("/attributes/add/%d", ev), w.notBackdated(w.newAttribute()))
		if a, ok := out["Attribute"].(map[string]any); ok {
			w.attrs = append(w.attrs, idOf(a["id"]))
		}
	case 2, 3:
		if len(w.attrs) == 0 {
			return
		}
		edit := w.notBackdated(w.newAttribute())
		delete(edit, "category")
		switch w.rng.IntN(5) {
		case 0:
			edit = map[string]any{"to_ids": w.rng.IntN(2) == 0}
		case 4: // out of every data type's MISP types
			edit = map[string]any{"type": "comment", "value": "now a comment"}
		case 1:
			edit = map[string]any{"value": edit["value"], "type": edit["type"]}
			if edit["type"] == "md5" || edit["type"] == "comment" {
				edit = map[string]any{"to_ids": true}
			}
		case 2: // an explicit timestamp, newer than any before
			edit = map[string]any{"timestamp": w.clock.Load() + int64(w.rng.IntN(100))}
		}
		w.post(fmt.Sprintf("/attributes/edit/%d", w.attrs[w.rng.IntN(len(w.attrs))]), edit)
	case 4:
		if len(w.attrs) == 0 {
			return
		}
		i := w.rng.IntN(len(w.attrs))
		w.post(fmt.Sprintf("/attributes/delete/%d", w.attrs[i]), nil)
		w.attrs = append(w.attrs[:i], w.attrs[i+1:]...)
	case 5:
		w.post("/events/addTag", map[string]any{"event": ev, "tag": tag})
	case 6:
		w.post("/events/removeTag", map[string]any{"event": ev, "tag": tag})
	case 7:
		if len(w.attrs) > 0 {
			path := w.pick([]string{"/attributes/addTag", "/attributes/removeTag"})
			w.post(path, map[string]any{"attribute": w.attrs[w.rng.IntN(len(w.attrs))], "tag": tag})
		}
	case 8, 9:
		w.post(fmt.Sprintf("/events/%s/%d", w.pick([]string{"publish", "unpublish"}), ev), nil)
	default:
		w.clock.Add(int64(w.rng.IntN(3)))
	}
}

// TestRefreshEqualsFullRead runs random write sequences against the
// emulator, refreshing feed snapshots between them, and checks after each
// sequence that every refreshed snapshot equals a full read and renders
// the same bytes.
func TestRefreshEqualsFullRead(t *testing.T) {
	sequences := 1000
	switch {
	case testing.Short():
		sequences = 50
	case testtool.RaceEnabled:
		// Each sequence reads and refreshes through the same goroutines;
		// make test runs the 1,000 again without the race detector.
		sequences = 25
	}
	// CRATOS_PROPERTY_SEQUENCES and CRATOS_PROPERTY_FIRST run other seeds
	// (sequence n is seeded n) and more of them than the suite does.
	sequences = envInt(t, "CRATOS_PROPERTY_SEQUENCES", sequences)
	first := envInt(t, "CRATOS_PROPERTY_FIRST", 0)
	ctx := context.Background()
	for seq := first; seq < first+sequences; seq++ {
		w := newWorld(t, uint64(seq))
		margin := time.Duration(w.rng.IntN(3)) * time.Second
		snaps := map[string]*feedsnap.Snapshot{}
		for name, q := range feedQueries {
			s, _, err := feedsnap.Full(ctx, w.src, q, w.now())
			if err != nil {
				t.Fatal(err)
			}
			snaps[name] = s
		}
		for range 1 + w.rng.IntN(4) {
			for range w.rng.IntN(8) {
				w.step()
			}
			// Cratos' clock is off MISP's by up to two hours, either way:
			// the window is on MISP's clock.
			skew := time.Duration(w.rng.IntN(4*3600+1)-2*3600) * time.Second
			w.log = append(w.log, fmt.Sprintf("t=%d refresh, Cratos' clock %v off, margin %v", w.clock.Load(), skew, margin))
			for name, q := range feedQueries {
				s, _, err := feedsnap.Refresh(ctx, w.src, q, snaps[name], w.now().Add(skew), margin)
				if err != nil {
					t.Fatal(err)
				}
				snaps[name] = s
			}
		}
		for name, q := range feedQueries {
			full, _, err := feedsnap.Full(ctx, w.src, q, w.now())
			if err != nil {
				t.Fatal(err)
			}
			if d := feedsnap.Diff(snaps[name], full); d.Total() != 0 {
				t.Fatalf("sequence %d, feed %s: refreshed snapshot differs from a full read: %+v\n%s", seq, name, d, strings.Join(w.log, "\n"))
			}
			compareRendered(t, seq, w.now(), snaps[name], full)
		}
		w.close()
	}
}

// envInt reads a non-negative count from the environment, or def.
func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a non-negative integer", name, v)
	}
	return n
}

// readAfter makes a world from seed, runs 30 random writes and reads
// feed in full: the start of the tests that refresh it.
func readAfter(t *testing.T, seed uint64, feed string) (*world, misp.Query, *feedsnap.Snapshot) {
	t.Helper()
	w := newWorld(t, seed)
	for range 30 {
		w.step()
	}
	q := feedQueries[feed]
	snap, _, err := feedsnap.Full(context.Background(), w.src, q, w.now())
	if err != nil {
		t.Fatal(err)
	}
	return w, q, snap
}

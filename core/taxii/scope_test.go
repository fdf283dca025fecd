package taxii

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// client is a TAXII client given every collection of a site: it keeps
// the latest version of each id it reads, and a revoked id is final.
type client struct {
	latest  map[string]testtool.TAXIIObject
	revoked map[string]bool
}

func (cl *client) poll(t *testing.T, cs ...*Collection) {
	t.Helper()
	for _, c := range cs {
		_, objs := decode(t, mustObjects(t, c, "match[version]=all", ""))
		for _, o := range objs {
			if o.Revoked {
				cl.revoked[o.ID] = true
			}
			if p, ok := cl.latest[o.ID]; !ok || p.Modified <= o.Modified {
				cl.latest[o.ID] = o
			}
		}
	}
}

// active returns the patterns the client holds as active.
func (cl *client) active() []string {
	var out []string
	for id, o := range cl.latest {
		if o.Type == "indicator" && !cl.revoked[id] && !o.Revoked {
			out = append(out, o.Pattern)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestRevokedInOneCollectionOnly: an indicator that leaves one feed but
// stays in another stays active at a client polling both collections,
// and so does one that moves from one feed to another.
func TestRevokedInOneCollectionOnly(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	a, b := ind(indicator.IPv4, "192.0.2.1", 1700000000), ind(indicator.Domain, "moved.example", 1700000000)
	block, incident := NewCollection(CollectionID("s", "block")), NewCollection(CollectionID("s", "incident"))
	apply(t, block, t0, nil, a, b)
	apply(t, incident, t0, nil, a)
	cl := &client{latest: map[string]testtool.TAXIIObject{}, revoked: map[string]bool{}}
	cl.poll(t, block, incident)
	// a leaves block, stays in incident; b moves from block to incident.
	apply(t, block, t0.Add(time.Minute), nil)
	apply(t, incident, t0.Add(time.Minute), nil, a, b)
	cl.poll(t, block, incident)
	want := []string{"[domain-name:value = 'moved.example']", "[ipv4-addr:value = '192.0.2.1']"}
	if got := cl.active(); !slices.Equal(got, want) {
		t.Fatalf("the client holds %q as active, want %q", got, want)
	}
	// Each collection has its own ids, none the bundle's.
	bid, iid := CollectionID("s", "block"), CollectionID("s", "incident")
	id := func(scope string, in indicator.Indicator) string { return indicatorID(scope, in.Type, in.Value, 0) }
	for _, tc := range []struct {
		c    *Collection
		want []string
	}{
		{block, []string{id(bid, a) + " 2026-05-01T10:00:00.000Z", id(bid, b) + " 2026-05-01T10:00:00.000Z",
			id(bid, a) + " 2026-05-01T10:01:00.000Z revoked", id(bid, b) + " 2026-05-01T10:01:00.000Z revoked"}},
		{incident, []string{id(iid, a) + " 2026-05-01T10:00:00.000Z", id(iid, b) + " 2026-05-01T10:01:00.000Z"}},
	} {
		slices.Sort(tc.want)
		if got := versions(t, tc.c, "match[type]=indicator&match[version]=all"); !slices.Equal(got, tc.want) {
			t.Errorf("versions %q, want %q", got, tc.want)
		}
	}
	if id(bid, a) == id(iid, a) || id(bid, a) == stix21.IndicatorID(a) {
		t.Fatal("ids shared between collections")
	}
}

// versions lists the object versions query selects, sorted:
// "<id> <date_added>", then " revoked" for revoked versions.
func versions(t *testing.T, c *Collection, query string) []string {
	t.Helper()
	_, objs := decode(t, mustObjects(t, c, query, ""))
	_, man := decode(t, mustManifest(t, c, query))
	if len(man) != len(objs) {
		t.Fatalf("%d objects, %d manifest entries", len(objs), len(man))
	}
	var out []string
	for i, o := range objs {
		s := o.ID + " " + man[i].DateAdded
		if o.Revoked {
			s += " revoked"
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// testID is the id of the collections of the tests.
var testID = CollectionID("misp.example.net", "block")

// sid is the id of the first generation of in in a collection of testID.
func sid(in indicator.Indicator) string { return indicatorID(testID, in.Type, in.Value, 0) }

// TestLegacyStateMigrates: a history saved when ids were the same in
// every collection is served as it was until the next refresh, which
// revokes each old id still active and adds the indicators again under
// ids of the collection, once.
func TestLegacyStateMigrates(t *testing.T) {
	a, c, d := indA, indReturned, ind(indicator.Domain, "new.example", 1700000000)
	old, v1 := legacyState(t)
	cl := &client{latest: map[string]testtool.TAXIIObject{}, revoked: map[string]bool{}}
	cl.poll(t, old)

	coll, err := UnmarshalState(v1, testID)
	if err != nil {
		t.Fatal(err)
	}
	if x, y := mustObjects(t, old, "match[version]=all", ""), mustObjects(t, coll, "match[version]=all", ""); string(x.Body) != string(y.Body) {
		t.Fatalf("a loaded history differs:\n%s\n%s", x.Body, y.Body)
	}
	legacy := func(in indicator.Indicator, gen uint32) string { return indicatorID("", in.Type, in.Value, gen) }
	scoped := func(in indicator.Indicator, gen uint32) string { return indicatorID(testID, in.Type, in.Value, gen) }
	if legacy(a, 0) != stix21.IndicatorID(a) {
		t.Fatal("a history of format 1 is not read with its ids")
	}
	apply(t, coll, at(4), nil, a, c, d)
	want := []string{legacy(a, 0) + " 2026-05-01T10:04:00.000Z revoked", legacy(c, 1) + " 2026-05-01T10:04:00.000Z revoked",
		scoped(a, 1) + " 2026-05-01T10:04:00.000Z", scoped(c, 2) + " 2026-05-01T10:04:00.000Z", scoped(d, 0) + " 2026-05-01T10:04:00.000Z"}
	slices.Sort(want)
	if got := versions(t, coll, "added_after=2026-05-01T10:03:00.000Z"); !slices.Equal(got, want) {
		t.Fatalf("the migrating refresh added\n%q, want\n%q", got, want)
	}
	cl.poll(t, coll)
	active := []string{"[domain-name:value = 'back.example']", "[domain-name:value = 'new.example']", "[ipv4-addr:value = '192.0.2.1']"}
	if got := cl.active(); !slices.Equal(got, active) {
		t.Fatalf("the client holds %q as active, want %q", got, active)
	}
	for id, o := range cl.latest {
		if o.Type == "indicator" && !cl.revoked[id] && id != scoped(a, 1) && id != scoped(c, 2) && id != scoped(d, 0) {
			t.Fatalf("%s active at the client", id)
		}
	}

	// Saved in the new form, it is never migrated again.
	r, blob := saved(t, coll)
	if !strings.HasPrefix(string(blob), stateHeader+" ") || r.legacy != 5 {
		t.Fatalf("saved as %q with %d legacy objects", strings.SplitN(string(blob), "\n", 2)[0], r.legacy)
	}
	for _, x := range []*Collection{coll, r} {
		if changed, err := x.Apply(new(int), indicator.Normalize([]indicator.Indicator{a, c, d}), nil, at(5)); changed || err != nil {
			t.Fatalf("a refresh with the same indicators changed the collection (%v)", err)
		}
	}
	apply(t, r, at(6), nil, a, d)
	if got := versions(t, r, "added_after=2026-05-01T10:05:00.000Z"); !slices.Equal(got, []string{scoped(c, 2) + " 2026-05-01T10:06:00.000Z revoked"}) {
		t.Fatalf("after the migration: %q", got)
	}
}

var (
	t0Legacy    = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	indReturned = ind(indicator.Domain, "back.example", 1700000000)
)

func at(m int) time.Time { return t0Legacy.Add(time.Duration(m) * time.Minute) }

// legacyState returns a collection with the ids of format 1 and its
// history in that format: indA and indReturned (revoked, then back as
// generation 1) active, indB revoked.
func legacyState(t *testing.T) (*Collection, []byte) {
	t.Helper()
	old := NewCollection("")
	for i, ins := range [][]indicator.Indicator{{indA, indB, indReturned}, {indA, indB}, {indA, indB, indReturned}, {indA, indReturned}} {
		apply(t, old, at(i), nil, ins...)
	}
	blob, err := old.MarshalState()
	if err != nil {
		t.Fatal(err)
	}
	head, rest, _ := strings.Cut(string(blob), "\n")
	f := strings.Fields(head)
	return old, []byte(strings.Join([]string{legacyHeader, f[1], f[2], f[3]}, " ") + "\n" + rest)
}

// TestLegacyStateFile: a history file of format 1 is served as it was,
// a refresh whose save fails leaves it so, and the one saved next
// migrates it and writes the new format, read again as it was saved.
func TestLegacyStateFile(t *testing.T) {
	logger, logs := testtool.JSONLogger()
	dir, err := state.Open(t.TempDir(), logger)
	if err != nil {
		t.Fatal(err)
	}
	old, v1 := legacyState(t)
	if err := dir.Write(fileName(durableKey), v1); err != nil {
		t.Fatal(err)
	}
	m := NewManager(dir, logger)
	c := mustCollection(t, m, durableKey)
	if !strings.Contains(logs.String(), "ids shared by every collection") {
		t.Fatalf("not logged: %s", logs.String())
	}
	before := mustObjects(t, old, "match[version]=all", "")
	m.write = func(string, []byte) error { return errors.New("read-only file system") }
	if err := refresh(m, c, at(4), nil, indA, indReturned); !errors.Is(err, ErrNotSaved) {
		t.Fatalf("refresh: %v", err)
	}
	if got := mustObjects(t, c, "match[version]=all", ""); string(got.Body) != string(before.Body) {
		t.Fatalf("after a failed save:\n%s\nwant\n%s", got.Body, before.Body)
	}
	// The circuit breaker sees the indicators kept, not their old ids
	// revoked.
	m.write = dir.Write
	var asked []int
	gate := func(n Counts) bool { asked = []int{n.Prev, n.Kept, n.Cur}; return n.Kept < n.Prev }
	if err := refresh(m, c, at(5), gate, indA, indReturned); err != nil || !slices.Equal(asked, []int{2, 2, 2}) {
		t.Fatalf("refresh: %v, gate asked %v", err, asked)
	}
	scoped := func(in indicator.Indicator, gen uint32) string { return indicatorID(testID, in.Type, in.Value, gen) }
	want := []string{indicatorID("", indA.Type, indA.Value, 0) + " 2026-05-01T10:05:00.000Z revoked",
		indicatorID("", indReturned.Type, indReturned.Value, 1) + " 2026-05-01T10:05:00.000Z revoked",
		scoped(indA, 1) + " 2026-05-01T10:05:00.000Z", scoped(indReturned, 2) + " 2026-05-01T10:05:00.000Z"}
	slices.Sort(want)
	if got := versions(t, c, "added_after=2026-05-01T10:03:00.000Z"); !slices.Equal(got, want) {
		t.Fatalf("the migrating refresh added\n%q, want\n%q", got, want)
	}
	b, err := dir.ReadFile(fileName(durableKey))
	if err != nil || !strings.HasPrefix(string(b), stateHeader+" ") {
		t.Fatalf("saved %.40q (%v)", b, err)
	}
	logger, logs = testtool.JSONLogger()
	r := mustCollection(t, NewManager(dir, logger), durableKey)
	if x, y := mustObjects(t, c, "match[version]=all", ""), mustObjects(t, r, "match[version]=all", ""); string(x.Body) != string(y.Body) {
		t.Fatalf("after a restart:\n%s\nwant\n%s", y.Body, x.Body)
	}
	if strings.Contains(logs.String(), "ids shared") {
		t.Fatalf("migrated again: %s", logs.String())
	}
}

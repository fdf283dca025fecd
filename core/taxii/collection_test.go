package taxii

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/stixschema"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/renderers/stix21"
)

func ind(t indicator.Type, v string, ts int64) indicator.Indicator {
	return indicator.Indicator{Type: t, Value: v, Timestamp: ts}
}

func mustQuery(t *testing.T, raw string) Query {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	q, qerr := ParseQuery(v)
	if qerr != nil {
		t.Fatalf("ParseQuery(%q): %v", raw, qerr)
	}
	return q
}

func decode(t *testing.T, p Page) (testtool.TAXIIEnvelope, []testtool.TAXIIObject) {
	t.Helper()
	var e testtool.TAXIIEnvelope
	if err := json.Unmarshal(p.Body, &e); err != nil {
		t.Fatalf("body %s: %v", p.Body, err)
	}
	var objs []testtool.TAXIIObject
	for _, raw := range e.Objects {
		var o testtool.TAXIIObject
		if err := json.Unmarshal(raw, &o); err != nil {
			t.Fatal(err)
		}
		objs = append(objs, o)
	}
	return e, objs
}

func apply(t *testing.T, c *Collection, at time.Time, opts map[string]string, ins ...indicator.Indicator) {
	t.Helper()
	if _, err := c.Apply(new(int), indicator.Normalize(slices.Clone(ins)), opts, at); err != nil {
		t.Fatal(err)
	}
}

func TestAddRevokeReturn(t *testing.T) {
	v := stixschema.ForTest(t)
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	a, b, cc := ind(indicator.IPv4, "192.0.2.1", 1700000000), ind(indicator.Domain, "evil.example", 1700000100), ind(indicator.URL, "http://x.example/p", 0)
	vuln := ind(indicator.Vulnerability, "CVE-2024-0001", 1700000000)
	c := NewCollection(testID)
	opts := map[string]string{stix21.OptTLP: "amber"}
	apply(t, c, t0, opts, a, b, vuln)
	all, objs := decode(t, mustObjects(t, c, "", ""))
	if len(objs) != 4 || all.More { // identity, marking, a, b
		t.Fatalf("first poll: %d objects (%v)", len(objs), objs)
	}
	for _, raw := range all.Objects {
		if err := v.ValidateObject(raw); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
	}
	p1 := mustObjects(t, c, "", "")
	if p1.First != "2026-05-01T10:00:00.000Z" || p1.Last != p1.First {
		t.Fatalf("date added headers %q %q", p1.First, p1.Last)
	}

	// b leaves, c arrives.
	t1 := t0.Add(time.Minute)
	apply(t, c, t1, opts, a, cc)
	_, objs = decode(t, mustObjects(t, c, "added_after="+p1.Last, ""))
	if len(objs) != 2 {
		t.Fatalf("second poll: %v", objs)
	}
	got := map[string]testtool.TAXIIObject{}
	for _, o := range objs {
		got[o.ID] = o
	}
	rb := got[sid(b)]
	if !rb.Revoked || rb.Modified != "2026-05-01T10:01:00.000Z" || rb.Created != "2023-11-14T22:15:00.000Z" {
		t.Fatalf("revoked b: %+v", rb)
	}
	if o := got[sid(cc)]; o.Revoked || o.Created != "2026-05-01T10:01:00.000Z" {
		t.Fatalf("added c: %+v", o)
	}
	e, err := c.Objects(mustQuery(t, ""), "")
	if err != nil {
		t.Fatal(err)
	}
	var env testtool.TAXIIEnvelope
	_ = json.Unmarshal(e.Body, &env)
	for _, raw := range env.Objects {
		if err := v.ValidateObject(raw); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
	}
	// versions lists both versions of b; match[version]=first gives the active one.
	vp, verr := c.Versions(mustQuery(t, ""), sid(b))
	if verr != nil {
		t.Fatal(verr)
	}
	ve, _ := decode(t, vp)
	if !slices.Equal(ve.Versions, []string{"2023-11-14T22:15:00.000Z", "2026-05-01T10:01:00.000Z"}) {
		t.Fatalf("versions %v", ve.Versions)
	}
	_, objs = decode(t, mustObjects(t, c, "match[version]=first", sid(b)))
	if len(objs) != 1 || objs[0].Revoked {
		t.Fatalf("first version: %+v", objs)
	}
	_, objs = decode(t, mustObjects(t, c, "match[version]=all&match[type]=indicator", ""))
	if len(objs) != 4 {
		t.Fatalf("all versions: %d", len(objs))
	}

	// b returns: a new object, since a revoked one is final.
	t2 := t1.Add(time.Minute)
	apply(t, c, t2, opts, a, b, cc)
	_, objs = decode(t, mustObjects(t, c, "added_after=2026-05-01T10:01:00.000Z", ""))
	if len(objs) != 1 || objs[0].ID == sid(b) || objs[0].Revoked || !strings.Contains(objs[0].Pattern, "evil.example") {
		t.Fatalf("returned b: %+v", objs)
	}
	if err := v.ValidateObject(mustRaw(t, c, objs[0].ID)); err != nil {
		t.Fatal(err)
	}
	// Unchanged input: nothing new, no change counted.
	n := c.Changes()
	apply(t, c, t2.Add(time.Minute), opts, a, b, cc)
	if c.Changes() != n {
		t.Fatal("unchanged feed counted as a change")
	}
	if _, err := c.Objects(mustQuery(t, ""), "indicator--00000000-0000-5000-8000-000000000000"); err == nil || err.Status != 404 {
		t.Fatalf("unknown object: %v", err)
	}

	// Manifest entries carry the same versions and dates.
	me, _ := decode(t, mustManifest(t, c, "match[id]="+sid(b)+"&match[version]=all"))
	if len(me.Objects) != 2 {
		t.Fatalf("manifest %v", me)
	}
	var m testtool.TAXIIObject
	_ = json.Unmarshal(me.Objects[1], &m)
	if m.Version != "2026-05-01T10:01:00.000Z" || m.DateAdded != "2026-05-01T10:01:00.000Z" {
		t.Fatalf("manifest entry %+v", m)
	}
}

func mustObjects(t *testing.T, c *Collection, raw, id string) Page {
	t.Helper()
	p, err := c.Objects(mustQuery(t, raw), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustManifest(t *testing.T, c *Collection, raw string) Page {
	t.Helper()
	p, err := c.Manifest(mustQuery(t, raw))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustRaw(t *testing.T, c *Collection, id string) []byte {
	t.Helper()
	e, _ := decode(t, mustObjects(t, c, "", id))
	if len(e.Objects) != 1 {
		t.Fatalf("object %s: %d", id, len(e.Objects))
	}
	return e.Objects[0]
}

// TestPaginationStable walks next while the feed changes between pages:
// no object version is returned twice, and every object is seen.
func TestPaginationStable(t *testing.T) {
	c := NewCollection(testID)
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	feed := map[int]bool{}
	list := func() []indicator.Indicator {
		var out []indicator.Indicator
		for i := range feed {
			out = append(out, ind(indicator.IPv4, fmt.Sprintf("10.0.%d.%d", i/256, i%256), 1700000000))
		}
		return out
	}
	for i := range 2000 {
		feed[i] = true
	}
	apply(t, c, at, nil, list()...)
	seen := map[string]bool{}
	ids := map[string]bool{}
	q := "limit=300"
	for step := 0; ; step++ {
		e, objs := decode(t, mustObjects(t, c, q, ""))
		for _, o := range objs {
			k := o.ID + "/" + o.Modified
			if seen[k] {
				t.Fatalf("step %d: %s returned twice", step, k)
			}
			seen[k], ids[o.ID] = true, true
		}
		if !e.More {
			break
		}
		// Between pages: remove ten, add ten.
		for i := range 10 {
			delete(feed, step*10+i)
			feed[5000+step*10+i] = true
		}
		at = at.Add(time.Second)
		apply(t, c, at, nil, list()...)
		q = "limit=300&next=" + e.Next
	}
	for i := range 2000 {
		id := sid(ind(indicator.IPv4, fmt.Sprintf("10.0.%d.%d", i/256, i%256), 0))
		if !ids[id] {
			t.Fatalf("object %d never returned", i)
		}
	}
}

func TestParseQueryErrors(t *testing.T) {
	for _, raw := range []string{
		"added_after=yesterday", "added_after=2026-01-01T00:00:00+02:00", "limit=0", "limit=-1", "limit=x",
		"limit=-99999999999999999999",
		"next=!!", "next=" + "bm90IGEgY3Vyc29y", "match[version]=newest",
	} {
		v, _ := url.ParseQuery(raw)
		if _, err := ParseQuery(v); err == nil || err.Status != 400 || !strings.Contains(string(err.JSON()), `"http_status":"400"`) {
			t.Errorf("%q: %v", raw, err)
		}
	}
	for raw, want := range map[string]int{
		"limit=1":                    1,
		"limit=10000":                MaxLimit,
		"limit=999999":               MaxLimit,
		"limit=9223372036854775807":  MaxLimit,
		"limit=99999999999999999999": MaxLimit, // beyond int64: still a positive integer
	} {
		if q := mustQuery(t, raw); q.Limit != want {
			t.Errorf("%s: limit %d, want %d", raw, q.Limit, want)
		}
	}
	if q := mustQuery(t, "match[spec_version]=2.0"); q.specOK {
		t.Fatal("spec_version 2.0 matched")
	}
}

func TestAcceptable(t *testing.T) {
	for accept, want := range map[string]bool{
		"application/taxii+json;version=2.1":                   true,
		"application/taxii+json; version=2.1":                  true,
		"application/taxii+json":                               true,
		"application/json, application/taxii+json;version=2.1": true,
		"application/taxii+json;version=2.0":                   false,
		"application/taxii+json;version=2.1;q=0":               false,
		"application/json":                                     false,
		"*/*":                                                  false,
		"":                                                     false,
		"application/stix+json;version=2.1":                    false,
	} {
		if got := Acceptable(accept); got != want {
			t.Errorf("Acceptable(%q) = %v", accept, got)
		}
	}
}

func TestEmptyPage(t *testing.T) {
	c := NewCollection(testID)
	if p := mustObjects(t, c, "", ""); string(p.Body) != `{"more":false}` || p.First != "" {
		t.Fatalf("empty collection: %s", p.Body)
	}
	apply(t, c, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), nil, ind(indicator.IPv4, "192.0.2.1", 1))
	if p := mustManifest(t, c, "added_after=2026-05-01T00:00:00.000Z"); string(p.Body) != `{"more":false}` {
		t.Fatalf("nothing new: %s", p.Body)
	}
}

// TestConcurrentPolls reads pages while the feed changes (run with -race).
func TestConcurrentPolls(t *testing.T) {
	c := NewCollection(testID)
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 50 {
			var ins []indicator.Indicator
			for j := range 20 {
				ins = append(ins, ind(indicator.Domain, fmt.Sprintf("d%d.example", (i+j)%30), 1700000000))
			}
			if _, err := c.Apply(new(int), indicator.Normalize(ins), nil, at.Add(time.Duration(i)*time.Second)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for {
		select {
		case <-done:
			if _, objs := decode(t, mustObjects(t, c, "match[version]=all", "")); len(objs) < 30 {
				t.Fatalf("%d versions", len(objs))
			}
			return
		default:
		}
		e, _ := decode(t, mustObjects(t, c, "limit=7", ""))
		if e.More {
			mustObjects(t, c, "limit=7&next="+e.Next, "")
		}
		mustManifest(t, c, "")
	}
}

// TestOptionsChangeIsAChange: a refresh that only changes the site's
// stix21 options changes the objects served (here the TLP marking goes),
// so it counts as a change, which keys the cached pages and saves the
// collection with its new options.
func TestOptionsChangeIsAChange(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	a := ind(indicator.IPv4, "192.0.2.1", 1700000000)
	id := sid(a)
	for _, tc := range []struct {
		name       string
		from, to   map[string]string
		wantChange bool
		wantRefs   bool
	}{
		{"marking removed", map[string]string{stix21.OptTLP: "amber"}, nil, true, false},
		{"marking added", nil, map[string]string{stix21.OptTLP: "amber"}, true, true},
		{"same options", map[string]string{stix21.OptTLP: "amber"}, map[string]string{stix21.OptTLP: "amber"}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCollection(testID)
			apply(t, c, t0, tc.from, a)
			n := c.Changes()
			changed, err := c.Apply(new(int), []indicator.Indicator{a}, tc.to, t0.Add(time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if changed != tc.wantChange || (c.Changes() != n) != tc.wantChange {
				t.Fatalf("changed %v, changes %d -> %d; want a change: %v", changed, n, c.Changes(), tc.wantChange)
			}
			if refs := strings.Contains(string(mustRaw(t, c, id)), `"object_marking_refs"`); refs != tc.wantRefs {
				t.Fatalf("object_marking_refs %v, want %v: %s", refs, tc.wantRefs, mustRaw(t, c, id))
			}
			r, _ := saved(t, c)
			if x, y := mustRaw(t, c, id), mustRaw(t, r, id); string(x) != string(y) {
				t.Fatalf("saved collection serves %s, want %s", y, x)
			}
		})
	}
}

package taxii

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/state"
)

// pollingClient keeps the newest version of each id it has read, as a
// TIP polling a collection with added_after its last poll.
type pollingClient struct {
	after  string
	latest map[string]struct {
		modified string
		revoked  bool
	}
}

func (p *pollingClient) poll(t *testing.T, c *Collection) {
	t.Helper()
	raw := "match[version]=all"
	if p.after != "" {
		raw += "&added_after=" + url.QueryEscape(p.after)
	}
	page := mustObjects(t, c, raw, "")
	if e, _ := decode(t, page); e.More {
		t.Fatal("more than one page")
	}
	_, objs := decode(t, page)
	if p.latest == nil {
		p.latest = map[string]struct {
			modified string
			revoked  bool
		}{}
	}
	for _, o := range objs {
		if o.Type != "indicator" {
			continue
		}
		if held, ok := p.latest[o.ID]; !ok || o.Modified > held.modified || o.Modified == held.modified && o.Revoked {
			p.latest[o.ID] = struct {
				modified string
				revoked  bool
			}{o.Modified, o.Revoked}
		}
	}
	if page.Last != "" {
		p.after = page.Last
	}
}

// active returns the ids the client holds active, sorted.
func (p *pollingClient) active() []string {
	var ids []string
	for id, v := range p.latest {
		if !v.revoked {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// servedActive returns the ids c serves active and their values.
func servedActive(c *Collection) (ids, values []string) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, o := range c.objs {
		if o.kind == kindIndicator && o.revoked == 0 {
			ids = append(ids, o.id)
			values = append(values, o.value)
		}
	}
	slices.Sort(ids)
	slices.Sort(values)
	return ids, values
}

// TestMergePerKeyHistories: two MISP keys of one user had histories of
// their own, with different contents. The user's history adopts the
// first key's and merges the second's when that key first appears: a
// client of either key, polling added_after its last poll, ends with
// exactly the ids served active, every other id it read revoked, before
// and after a restart; the merge is done once.
func TestMergePerKeyHistories(t *testing.T) {
	dir, err := state.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	const keyA, keyB, user = "misp.example.net|kA|block", "misp.example.net|kB|block", "misp.example.net|u1|block"
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	feed := func(ins ...indicator.Indicator) func() []indicator.Indicator {
		return func() []indicator.Indicator { return indicator.Normalize(slices.Clone(ins)) }
	}
	m := NewManager(dir, nil)
	var clientA, clientB pollingClient
	// Each key's client reads its own history: A ends holding indA and
	// indD, B holding indB and indC; indA was revoked at B, indB at A.
	for _, step := range []struct {
		key    string
		client *pollingClient
		min    int
		ins    []indicator.Indicator
	}{
		{keyA, &clientA, 0, []indicator.Indicator{indA, indB}},
		{keyB, &clientB, 1, []indicator.Indicator{indA, indB, indC}},
		{keyA, &clientA, 2, []indicator.Indicator{indA, indD}},
		{keyB, &clientB, 3, []indicator.Indicator{indB, indC}},
	} {
		c := mustCollection(t, m, step.key)
		if _, err := m.Refresh(step.key, c, new(int), feed(step.ins...), nil, at(step.min), nil); err != nil {
			t.Fatal(err)
		}
		step.client.poll(t, c)
	}

	check := func(when string, c *Collection, wantValues ...string) {
		t.Helper()
		ids, values := servedActive(c)
		if !slices.Equal(values, wantValues) {
			t.Fatalf("%s: served %v, want %v", when, values, wantValues)
		}
		for name, cl := range map[string]*pollingClient{"A": &clientA, "B": &clientB} {
			if got := cl.active(); !slices.Equal(got, ids) {
				t.Fatalf("%s: client of key %s holds %v active, the collection serves %v", when, name, got, ids)
			}
		}
	}
	poll := func(feedIns []indicator.Indicator, min int) *Collection {
		t.Helper()
		var c *Collection
		for _, key := range []string{keyA, keyB} {
			var err error
			if c, err = m.CollectionAdopting(user, key, testID); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Refresh(user, c, new(int), feed(feedIns...), nil, at(min), nil); err != nil {
				t.Fatal(err)
			}
			map[string]*pollingClient{keyA: &clientA, keyB: &clientB}[key].poll(t, c)
		}
		clientA.poll(t, c)
		return c
	}
	// The feed now: indA, indB and indD.
	now := []indicator.Indicator{indA, indB, indD}
	m = NewManager(dir, nil)
	c := poll(now, 10)
	check("after the merge", c, "192.0.2.1", "192.0.2.2", "192.0.2.4")
	body := mustObjects(t, c, "match[version]=all", "").Body

	m = NewManager(dir, nil) // a restart: the merge is not done again
	c = poll(now, 11)
	check("after a restart", c, "192.0.2.1", "192.0.2.2", "192.0.2.4")
	if got := mustObjects(t, c, "match[version]=all", "").Body; string(got) != string(body) {
		t.Fatalf("after a restart the history changed:\n%s\nwas\n%s", got, body)
	}

	c = poll([]indicator.Indicator{indC}, 12)
	check("after indC returns", c, "192.0.2.3")
	if n := strings.Count(string(mustObjects(t, c, "match[version]=all", "").Body), `"revoked":true`); n == 0 {
		t.Fatal("nothing revoked")
	}
}

package server_test

import (
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/taxii"
	"github.com/cratos-project/cratos/internal/testtool"
)

// poller is a TAXII client polling one collection with added_after.
type poller struct {
	h    *harness
	path string
	last string // X-TAXII-Date-Added-Last of the last poll that saw objects
}

func newPoller(h *harness, feed string) *poller {
	return &poller{h: h, path: "/taxii2/" + h.site.Name + "/collections/" + taxii.CollectionID(h.site.Name, feed) + "/objects/"}
}

// poll fetches every page of what was added since the last poll.
func (p *poller) poll(t *testing.T) []testtool.TAXIIObject {
	t.Helper()
	var out []testtool.TAXIIObject
	next := ""
	for {
		q := url.Values{"limit": {"2"}}
		if p.last != "" {
			q.Set("added_after", p.last)
		}
		if next != "" {
			q.Set("next", next)
		}
		resp, body := p.h.taxiiGet(p.path + "?" + q.Encode())
		if resp.StatusCode != 200 {
			t.Fatalf("poll: %d %s", resp.StatusCode, body)
		}
		env, objs := checkTAXII(t, resp, body)
		out = append(out, objs...)
		if l := resp.Header.Get("X-TAXII-Date-Added-Last"); l != "" && !env.More {
			p.last = l
		}
		if !env.More {
			return out
		}
		next = env.Next
	}
}

// pollUntil polls until something new arrives (the feed's cache lifetime
// is one second), within a generous deadline.
func (p *poller) pollUntil(t *testing.T) []testtool.TAXIIObject {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for time.Now().Before(deadline) {
		if objs := p.poll(t); len(objs) > 0 {
			return objs
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("nothing new within the deadline")
	return nil
}

func patterns(objs []testtool.TAXIIObject) []string {
	var out []string
	for _, o := range objs {
		s := o.Pattern
		if o.Revoked {
			s = "revoked " + s
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// TestTAXIIPollAddRemoveRetag is the TAXII client's view of three MISP
// changes: an event added, an attribute deleted, an attribute re-tagged
// from block to incident.
func TestTAXIIPollAddRemoveRetag(t *testing.T) {
	h := newHarness(t, withSite(func(s *config.Site) { s.MemcachedAllTimeout = 1 }))
	block, incident := newPoller(h, "block"), newPoller(h, "incident")
	if objs := block.poll(t); len(objs) < 10 {
		t.Fatalf("first poll: %d objects", len(objs))
	}
	if objs := incident.poll(t); len(objs) != 3 { // identity and two indicators
		t.Fatalf("first incident poll: %v", patterns(objs))
	}
	if objs := block.poll(t); len(objs) != 0 {
		t.Fatalf("second poll without a change: %v", patterns(objs))
	}

	// 1. Add.
	blockTag := []string{"example:incident-classification=block"}
	_, err := h.sim.AddEvent(mispsim.Event{Info: "new", Published: true, OrgName: "Acme", OrgUUID: acmeUUID,
		Attributes: []mispsim.Attribute{
			{ID: 9001, Type: "ip-dst", Value: "203.0.113.50", ToIDS: true, Tags: blockTag},
			{ID: 9002, Type: "domain", Value: "moved.example", ToIDS: true, Tags: blockTag},
			{ID: 9003, Type: "url", Value: "https://added.example/x", ToIDS: true, Tags: blockTag},
		}})
	if err != nil {
		t.Fatal(err)
	}
	added := block.pollUntil(t)
	want := []string{"[domain-name:value = 'moved.example']", "[ipv4-addr:value = '203.0.113.50']", "[url:value = 'https://added.example/x']"}
	if got := patterns(added); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("after the add: %v", got)
	}
	ids := map[string]string{}
	for _, o := range added {
		ids[o.Pattern] = o.ID
	}

	// 2. Remove (MISP's soft delete).
	if err := h.sim.EditAttribute(9001, mispsim.AttributeEdit{Deleted: true, Tags: blockTag}); err != nil {
		t.Fatal(err)
	}
	removed := block.pollUntil(t)
	if got := patterns(removed); len(got) != 1 || got[0] != "revoked [ipv4-addr:value = '203.0.113.50']" ||
		removed[0].ID != ids["[ipv4-addr:value = '203.0.113.50']"] {
		t.Fatalf("after the removal: %v", got)
	}
	versions := h.taxiiVersions(t, "block", removed[0].ID)
	if len(versions) != 2 || versions[1] != removed[0].Modified || versions[0] >= versions[1] {
		t.Fatalf("versions %v, revoked version %s", versions, removed[0].Modified)
	}

	// 3. Re-tag: block to incident.
	if err := h.sim.EditAttribute(9002, mispsim.AttributeEdit{Tags: []string{"example:incident-classification=incident"}}); err != nil {
		t.Fatal(err)
	}
	retagged := block.pollUntil(t)
	if got := patterns(retagged); len(got) != 1 || got[0] != "revoked [domain-name:value = 'moved.example']" {
		t.Fatalf("block after the re-tag: %v", got)
	}
	joined := incident.pollUntil(t)
	// Under an id of its own: a client of both collections keeps it.
	if got := patterns(joined); len(got) != 1 || got[0] != "[domain-name:value = 'moved.example']" || joined[0].ID == ids[got[0]] {
		t.Fatalf("incident after the re-tag: %v (%s)", got, joined[0].ID)
	}
	// Nothing else is new, and a full poll of block holds the revoked
	// versions as the latest versions of those objects.
	if objs := block.poll(t); len(objs) != 0 {
		t.Fatalf("extra objects: %v", patterns(objs))
	}
	full := (&poller{h: h, path: block.path}).poll(t)
	revoked := 0
	for _, o := range full {
		if o.Revoked {
			revoked++
		}
	}
	if revoked != 2 {
		t.Fatalf("%d revoked objects in the full collection", revoked)
	}
}

func (h *harness) taxiiVersions(t *testing.T, feed, id string) []string {
	t.Helper()
	resp, body := h.taxiiGet("/taxii2/" + h.site.Name + "/collections/" + taxii.CollectionID(h.site.Name, feed) + "/objects/" + id + "/versions/")
	env, _ := checkTAXII(t, resp, body)
	return env.Versions
}

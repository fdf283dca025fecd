package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/taxii"
)

// countObjects reads a whole collection (latest versions) and counts its
// active and revoked indicators.
func countObjects(t *testing.T, h *harness, path string) (active, revoked int) {
	t.Helper()
	next := ""
	for {
		q := "?limit=10000"
		if next != "" {
			q += "&next=" + next
		}
		resp, body := h.taxiiGet(path + q)
		if resp.StatusCode != 200 {
			t.Fatalf("objects: %d %s", resp.StatusCode, body)
		}
		env, objs := checkTAXII(t, resp, body)
		for _, o := range objs {
			switch {
			case o.Type != "indicator":
			case o.Revoked:
				revoked++
			default:
				active++
			}
		}
		if !env.More {
			return active, revoked
		}
		next = env.Next
	}
}

// expectHeld polls the collection: the refresh must be held with
// reason, and the poll see no change.
func expectHeld(t *testing.T, h *harness, p *poller, reason string) {
	t.Helper()
	resp, body := h.taxiiGet(p.path + "?added_after=" + p.last)
	if resp.StatusCode != 200 {
		t.Fatalf("poll: %d %s", resp.StatusCode, body)
	}
	if _, objs := checkTAXII(t, resp, body); len(objs) != 0 {
		t.Fatalf("a held refresh changed the collection: %d object versions, the first %s", len(objs), objs[0].Pattern)
	}
	if held := resp.Header.Get("X-Cratos-Held"); !strings.Contains(held, "reason="+reason) {
		t.Fatalf("X-Cratos-Held = %q, want reason %q", held, reason)
	}
}

// firstBlockPoll makes the first poll of h's block collection, which must
// carry cutHarness's 1000 indicators at least, and returns its poller.
func firstBlockPoll(t *testing.T, h *harness) *poller {
	t.Helper()
	block := newPoller(h, "block")
	if objs := block.poll(t); len(objs) < 1000 {
		t.Fatalf("first poll: %d objects", len(objs))
	}
	return block
}

// TestTAXIICircuitBreaker: MISP suddenly answering a tenth of the data
// (a broken tag) revokes nothing; the hold is listed like a held list,
// and once an admin releases it the next poll sees the revocations.
// MISP answering nothing is held too, and the full data coming back ends
// the hold by itself.
func TestTAXIICircuitBreaker(t *testing.T) {
	h, cut, token := cutHarness(t)
	h.token = token
	h.setAdmins(auth.Fingerprint(h.token))
	// MISP answers from now on with every cut-th attribute (0: all of
	// them); the cache is flushed, so the next request refreshes every
	// snapshot of the collection at once.
	answer := func(cutTo int32) {
		t.Helper()
		cut.Store(cutTo)
		if resp, body := h.do("DELETE", "/v1/clear_cache/all", "token", h.token); resp.StatusCode != 200 {
			t.Fatalf("clear_cache/all: %d %s", resp.StatusCode, body)
		}
	}
	block := firstBlockPoll(t, h)
	cid := taxii.CollectionID(h.site.Name, "block")
	n, revoked := countObjects(t, h, block.path)
	if n < 1000 || revoked != 0 {
		t.Fatalf("first read: %d active, %d revoked", n, revoked)
	}

	// A tenth of the data: held, nothing revoked, listed everywhere.
	answer(10)
	expectHeld(t, h, block, "the refresh would revoke")
	expectHeld(t, h, block, "the refresh would revoke") // asked again, still held
	if a, r := countObjects(t, h, block.path); a != n || r != 0 {
		t.Fatalf("held: %d active, %d revoked; want %d, 0", a, r, n)
	}
	holds := h.holdsSeenBy(t, h.token)
	if len(holds) != 1 {
		t.Fatalf("/v1/holds: %+v", holds)
	}
	hold := holds[0]
	if hold.Feed != "block" || hold.Output != "taxii" || hold.DataType != "collection" || hold.Previous != n ||
		hold.Current <= 0 || hold.Current*5 > n || !strings.Contains(hold.Path, "/collections/"+cid+"/") {
		t.Fatalf("hold %+v (collection of %d)", hold, n)
	}
	if len(h.logs.Records("refresh held: nothing revoked")) != 1 {
		t.Error("want one log line for the hold")
	}
	metric := `cratos_list_held{feed="block",output="taxii",site="` + h.site.Name + `",type="collection"} `
	if _, m := h.get("/metrics"); !strings.Contains(m, metric+"1") {
		t.Errorf("/metrics lacks %s1", metric)
	}
	if _, status := h.get("/v1/status?sites=0", "token", h.token); !strings.Contains(status, `"path":"`+hold.Path+`"`) {
		t.Errorf("/v1/status lacks the hold: %s", status)
	}
	if _, page := h.get("/ui/", "Cookie", "cratos_console="+h.login(t)); !strings.Contains(page, hold.Path) {
		t.Errorf("the console does not show the hold: %s", page)
	}

	// Released: the next poll sees the revocations.
	if resp, body := h.do("POST", "/v1/holds/release?id="+hold.ID, "token", h.token); resp.StatusCode != http.StatusOK {
		t.Fatalf("release: %d %s", resp.StatusCode, body)
	}
	objs := block.poll(t)
	for _, o := range objs {
		if !o.Revoked {
			t.Fatalf("after the release, a new object %s", o.Pattern)
		}
	}
	kept, r := countObjects(t, h, block.path)
	if r != len(objs) || kept != hold.Current || kept+r != n {
		t.Errorf("after the release: %d active, %d revoked, %d revocations polled, of %d", kept, r, len(objs), n)
	}
	if holds := h.holdsSeenBy(t, h.token); len(holds) != 0 {
		t.Errorf("holds after the release: %+v", holds)
	}
	if _, m := h.get("/metrics"); !strings.Contains(m, metric+"0") {
		t.Errorf("/metrics lacks %s0", metric)
	}

	// MISP answering nothing empties no collection.
	answer(-1)
	expectHeld(t, h, block, "the refreshed collection is empty")
	if a, _ := countObjects(t, h, block.path); a != kept {
		t.Errorf("an empty refresh: %d active, want %d", a, kept)
	}
	// The whole data back: the refresh passes, the hold ends by itself.
	answer(0)
	back := block.poll(t)
	for _, o := range back {
		if o.Revoked {
			t.Fatalf("the data back revoked %s", o.Pattern)
		}
	}
	if len(back) != n-kept {
		t.Errorf("the data back: %d new objects, want %d", len(back), n-kept)
	}
	if holds := h.holdsSeenBy(t, h.token); len(holds) != 0 {
		t.Errorf("holds after the data came back: %+v", holds)
	}
}

// TestTAXIIUpstreamFaults: a MISP failure is a TAXII 5xx error without
// history, and with history the collection is served as it was (STALE),
// nothing revoked — never a 401 or 403.
func TestTAXIIUpstreamFaults(t *testing.T) {
	t.Run("no history", func(t *testing.T) {
		h := newHarness(t)
		h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultStatus, Status: 500})
		resp, body := h.taxiiGet("/taxii2/" + h.site.Name + "/collections/" + taxii.CollectionID(h.site.Name, "block") + "/objects/")
		if resp.StatusCode != 502 || strings.Contains(body, mispsim.DefaultKey) || !strings.Contains(body, h.site.Name) {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		checkTAXII(t, resp, body)
	})
	t.Run("history", func(t *testing.T) {
		h := newHarness(t, withSite(func(s *config.Site) { s.MemcachedAllTimeout = 1 }))
		path := "/taxii2/" + h.site.Name + "/collections/" + taxii.CollectionID(h.site.Name, "block") + "/objects/"
		resp, good := h.taxiiGet(path)
		if resp.StatusCode != 200 {
			t.Fatal(resp.Status)
		}
		h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultStatus, Status: 500})
		deadline := time.Now().Add(45 * time.Second)
		for {
			resp, body := h.taxiiGet(path)
			if resp.Header.Get("X-Cache") == "STALE" {
				if resp.StatusCode != 200 || body != good || !strings.Contains(resp.Header.Get("Warning"), "110") {
					t.Fatalf("stale answer %d %v", resp.StatusCode, resp.Header)
				}
				break
			}
			if resp.StatusCode != 200 || time.Now().After(deadline) {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			time.Sleep(100 * time.Millisecond)
		}
		// After recovery nothing was revoked or added.
		h.sim.SetFault(mispsim.Fault{})
		p := newPoller(h, "block")
		p.last = resp.Header.Get("X-TAXII-Date-Added-Last")
		if objs := p.poll(t); len(objs) != 0 || p.last == "" {
			t.Fatalf("after recovery: %v", patterns(objs))
		}
	})
}

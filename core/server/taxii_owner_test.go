package server_test

import (
	"crypto/sha256"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/taxii"
)

// TestTAXIIUnknownOwner: while MISP cannot say whose a key never seen
// before is (MISP down, or refusing the key), the key's collection
// answers as when MISP fails: the history an earlier version kept for
// the key alone is served as it was (STALE, Warning 110), and without
// one the answer is a TAXII error of MISP's failure, never 401 or 403.
func TestTAXIIUnknownOwner(t *testing.T) {
	const perKeyValue = "198.51.100.77"
	tests := []struct {
		name       string
		fault      mispsim.Fault
		key        string // "": the harness key
		perKey     bool   // a history kept for the key alone
		wantStatus int
		wantStale  bool
	}{
		{"MISP down, a history kept for the key", mispsim.Fault{Kind: mispsim.FaultStatus, Status: 503}, "", true, 200, true},
		{"MISP down, no history", mispsim.Fault{Kind: mispsim.FaultStatus, Status: 503}, "", false, 502, false},
		{"MISP drops the connection, no history", mispsim.Fault{Kind: mispsim.FaultReset}, "", false, 502, false},
		{"key refused, a history kept for the key", mispsim.Fault{}, "KeyMISPDoesNotKnow00000000000000000000000", true, 200, true},
		{"key refused, no history", mispsim.Fault{}, "KeyMISPDoesNotKnow00000000000000000000000", false, 502, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, dir := openTAXIIState(t)
			h := newHarness(t, withTAXIIState(dir))
			if tt.key != "" {
				cl := h.claims
				cl.Key = tt.key
				h.token = h.mint(cl)
			}
			id := taxii.CollectionID(h.site.Name, "block")
			if tt.perKey {
				// The history of the key alone, as an earlier version kept it.
				key := tt.key
				if key == "" {
					key = h.claims.Key
				}
				secret := sha256.Sum256([]byte("test"))
				keyID := export.New(export.Options{KeySecret: secret[:]}).Identity(export.Request{Site: h.site, MISPURL: h.claims.BaseURL(), MISPKey: key})
				name := h.site.Name + "|" + keyID + "|block"
				m := taxii.NewManager(dir, nil)
				c, err := m.Collection(name, id)
				if err != nil {
					t.Fatal(err)
				}
				ins := []indicator.Indicator{{Type: indicator.IPv4, Value: perKeyValue, Timestamp: 1767348000}}
				if _, err := m.Refresh(name, c, "old", func() []indicator.Indicator { return ins }, nil, time.Now(), nil); err != nil {
					t.Fatal(err)
				}
			}
			h.sim.SetFault(tt.fault)
			resp, body := h.taxiiGet("/taxii2/" + h.site.Name + "/collections/" + id + "/objects/")
			_, objs := checkTAXII(t, resp, body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.wantStatus, body)
			}
			stale := resp.Header.Get("X-Cache") == "STALE" &&
				resp.Header.Get("Warning") == `110 cratos "Response is Stale: MISP unavailable"`
			if stale != tt.wantStale {
				t.Errorf("X-Cache %q, Warning %q; want stale %v", resp.Header.Get("X-Cache"), resp.Header.Get("Warning"), tt.wantStale)
			}
			if tt.wantStatus == http.StatusOK && (len(objs) != 2 || !strings.Contains(objs[1].Pattern, perKeyValue)) {
				t.Errorf("want the identity and %s of the key's history: %s", perKeyValue, summary(objs))
			}
		})
	}
}

// TestTAXIIUnknownOwnerAskedOnce: requests of a key never seen that
// arrive while MISP is being asked whose it is wait for that one
// question and share its failure: they were asked in turn, one MISP
// timeout after another, so a client polling several collections at once
// waited for as many timeouts as it had collections.
func TestTAXIIUnknownOwnerAskedOnce(t *testing.T) {
	t.Parallel() // it mostly waits for real time to pass: beside the other tests that do
	h := newHarness(t, withSite(func(s *config.Site) { s.MISPTimeoutSeconds = 5 }))
	h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 10 * time.Minute})
	feeds := []string{"block", "alert", "hunt"}
	statuses := make([]int, len(feeds))
	var wg sync.WaitGroup
	for i, feed := range feeds {
		wg.Go(func() {
			resp, _ := h.taxiiGet("/taxii2/" + h.site.Name + "/collections/" + taxii.CollectionID(h.site.Name, feed) + "/objects/")
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	asked := 0
	for _, r := range h.sim.Requests() {
		if strings.HasPrefix(r.Path, "/users/view/me") {
			asked++
		}
	}
	if asked != 1 {
		t.Errorf("MISP asked %d times whose the key is, want once", asked)
	}
	for i, st := range statuses {
		if st != http.StatusGatewayTimeout {
			t.Errorf("%s: status %d, want 504", feeds[i], st)
		}
	}
}

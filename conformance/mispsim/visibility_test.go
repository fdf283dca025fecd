package mispsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
)

const keyOfOrg2 = "key-of-org-2"

// seenBy lists what the user of key sees: the restSearch values, the
// event index's ids with their org_id, and the status of /events/view of
// each event id in ids.
func seenBy(t *testing.T, s *Server, key string, ids ...string) []string {
	t.Helper()
	auth := map[string]string{"Authorization": key}
	var res struct {
		Response struct{ Attribute []gotAttr } `json:"response"`
	}
	decode(t, call(t, s, http.MethodPost, "/attributes/restSearch", `{"type":"ip-dst"}`, auth), &res)
	var out []string
	for _, a := range res.Response.Attribute {
		out = append(out, "search "+a.Value+" org "+a.Event.OrgID)
	}
	var index []struct {
		ID    string `json:"id"`
		OrgID string `json:"org_id"`
	}
	rec := call(t, s, http.MethodPost, "/events/index", `{"minimal":0}`, auth)
	if err := json.Unmarshal(rec.Body.Bytes(), &index); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	for _, e := range index {
		out = append(out, "index "+e.ID+" org "+e.OrgID)
	}
	for _, id := range ids {
		out = append(out, fmt.Sprintf("view %s %d", id, call(t, s, http.MethodGet, "/events/view/"+id, "", auth).Code))
	}
	slices.Sort(out)
	return out
}

// Under MISP.unpublishedprivate an event owned by another organisation is
// seen only while published, in restSearch, the event index and
// events/view alike; its own organisation sees it always. Without the
// setting every key sees every event. /events/add makes the writer's
// organisation the owner.
func TestUnpublishedPrivate(t *testing.T) {
	type step struct {
		publish2 bool     // event 2 (org 2's) published
		org1     []string // what the key of organisation 1 sees
		org2     []string // what the key of organisation 2 sees
	}
	all := []string{"index 1 org 1", "index 2 org 2", "search 192.0.2.1 org 1", "search 192.0.2.2 org 2", "view 1 200", "view 2 200"}
	tests := []struct {
		private bool
		steps   []step
	}{
		{false, []step{{false, all, all}, {true, all, all}}},
		{true, []step{
			{false,
				[]string{"index 1 org 1", "search 192.0.2.1 org 1", "view 1 200", "view 2 404"},
				[]string{"index 2 org 2", "search 192.0.2.2 org 2", "view 1 404", "view 2 200"}},
			{true,
				[]string{"index 1 org 1", "index 2 org 2", "search 192.0.2.1 org 1", "search 192.0.2.2 org 2", "view 1 200", "view 2 200"},
				[]string{"index 2 org 2", "search 192.0.2.2 org 2", "view 1 404", "view 2 200"}},
			{false,
				[]string{"index 1 org 1", "search 192.0.2.1 org 1", "view 1 200", "view 2 404"},
				[]string{"index 2 org 2", "search 192.0.2.2 org 2", "view 1 404", "view 2 200"}},
		}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("unpublishedprivate=%v", tt.private), func(t *testing.T) {
			s, err := New(Options{Now: fixedNow, UnpublishedPrivate: tt.private,
				Users: []User{{Key: keyOfOrg2, ID: 2, OrgID: 2, Email: "partner@example.net"}}})
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range []struct{ key, value string }{{DefaultKey, "192.0.2.1"}, {keyOfOrg2, "192.0.2.2"}} {
				body := `{"info":"e","Attribute":[{"type":"ip-dst","value":"` + ev.value + `","category":"Network activity"}]}`
				if rec := call(t, s, http.MethodPost, "/events/add", body, map[string]string{"Authorization": ev.key}); rec.Code != 200 {
					t.Fatalf("add: %d %s", rec.Code, rec.Body)
				}
			}
			for i, st := range tt.steps {
				action := "/events/unpublish/2"
				if st.publish2 {
					action = "/events/publish/2"
				}
				if rec := call(t, s, http.MethodPost, action, "", map[string]string{"Authorization": keyOfOrg2}); rec.Code != 200 {
					t.Fatalf("%s: %d %s", action, rec.Code, rec.Body)
				}
				if got := seenBy(t, s, DefaultKey, "1", "2"); !slices.Equal(got, st.org1) {
					t.Errorf("step %d: organisation 1 sees %q, want %q", i, got, st.org1)
				}
				if got := seenBy(t, s, keyOfOrg2, "1", "2"); !slices.Equal(got, st.org2) {
					t.Errorf("step %d: organisation 2 sees %q, want %q", i, got, st.org2)
				}
			}
		})
	}
}

package mispsim

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
)

const (
	keyOfOrg3 = "key-of-org-3"
	allUUID   = "5f0c1a2b-0000-4000-8000-000000000003" // all.example, attribute 3
)

// distributionServer is an emulator on clock c with users of
// organisations 2 and 3 and sharing group 7 of organisations 1 and 2;
// organisation 1 owns event 1, whose attributes 1 to 6 have the
// distributions the values name.
func distributionServer(t *testing.T, c *testClock) *Server {
	t.Helper()
	s, err := New(Options{Now: c.now, SharingGroups: map[int64][]int64{7: {1, 2}},
		Users: []User{{Key: keyOfOrg2, ID: 2, OrgID: 2, Email: "a@example.net"}, {Key: keyOfOrg3, ID: 3, OrgID: 3, Email: "b@example.net"}}})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"info":"e","published":true,"Attribute":[
		{"type":"domain","value":"org-only.example","distribution":"0"},
		{"type":"domain","value":"community.example","distribution":"1"},
		{"type":"domain","value":"all.example","distribution":"3","uuid":"` + allUUID + `"},
		{"type":"domain","value":"inherit.example"},
		{"type":"domain","value":"group7.example","distribution":"4","sharing_group_id":"7"},
		{"type":"domain","value":"group8.example","distribution":4,"sharing_group_id":8}]}`
	if rec := call(t, s, http.MethodPost, "/events/add", body, nil); rec.Code != http.StatusOK {
		t.Fatalf("add: %d %s", rec.Code, rec.Body)
	}
	return s
}

// domainsSeenBy lists the domains the user of key gets from restSearch and
// from /events/view/1 (or the view's status), and the event index's ids.
func domainsSeenBy(t *testing.T, s *Server, key string) []string {
	t.Helper()
	auth := map[string]string{"Authorization": key}
	var res struct {
		Response struct{ Attribute []gotAttr } `json:"response"`
	}
	decode(t, call(t, s, http.MethodPost, "/attributes/restSearch", `{"type":"domain","deleted":[0,1]}`, auth), &res)
	var out []string
	for _, a := range res.Response.Attribute {
		out = append(out, "search "+a.Value)
	}
	rec := call(t, s, http.MethodGet, "/events/view/1", "", auth)
	var view struct{ Event eventState }
	if rec.Code == http.StatusOK {
		decode(t, rec, &view)
	} else {
		out = append(out, fmt.Sprintf("view %d", rec.Code))
	}
	for _, a := range view.Event.Attribute {
		out = append(out, "view "+a.Value)
	}
	var index []struct{ ID string }
	decode(t, call(t, s, http.MethodPost, "/events/index", `{"minimal":0}`, auth), &index)
	for _, e := range index {
		out = append(out, "index "+e.ID)
	}
	slices.Sort(out)
	return out
}

// withPrefix returns "search d" and "view d" for each domain d, and the
// extra entries, sorted.
func withPrefix(domains []string, extra ...string) []string {
	out := slices.Clone(extra)
	for _, d := range domains {
		out = append(out, "search "+d, "view "+d)
	}
	slices.Sort(out)
	return out
}

// As MISP's buildConditions and createEventConditions: the owning
// organisation sees every attribute; another sees an attribute with
// distribution 1, 2, 3 or 5, or 4 with a sharing group it is in, of an
// event it sees by the same rules.
func TestAttributeDistribution(t *testing.T) {
	s := distributionServer(t, newClock(testNow))
	all := []string{"all.example", "community.example", "group7.example", "group8.example", "inherit.example", "org-only.example"}
	for _, tt := range []struct {
		key  string
		want []string
	}{
		{DefaultKey, withPrefix(all, "index 1")},
		{keyOfOrg2, withPrefix([]string{"all.example", "community.example", "group7.example", "inherit.example"}, "index 1")},
		{keyOfOrg3, withPrefix([]string{"all.example", "community.example", "inherit.example"}, "index 1")},
	} {
		if got := domainsSeenBy(t, s, tt.key); !slices.Equal(got, tt.want) {
			t.Errorf("%s sees %q, want %q", tt.key, got, tt.want)
		}
	}
}

// Narrowing an attribute's distribution is an attribute edit: its
// timestamp and its event's move to now and the event is unpublished,
// and the organisations it no longer reaches stop seeing it, its new
// timestamp included. Narrowing the event's hides all of it.
func TestDistributionEdits(t *testing.T) {
	tests := []struct {
		name, path, body string
		org2, org3       []string
		attrTS           bool // attribute 3 (all.example) stamped now
	}{
		{"attribute to organisation only", "/attributes/edit/3", `{"distribution":"0"}`,
			withPrefix([]string{"community.example", "group7.example", "inherit.example"}, "index 1"),
			withPrefix([]string{"community.example", "inherit.example"}, "index 1"), true},
		{"attribute to sharing group", "/attributes/edit/3", `{"distribution":"4","sharing_group_id":"7"}`,
			withPrefix([]string{"all.example", "community.example", "group7.example", "inherit.example"}, "index 1"),
			withPrefix([]string{"community.example", "inherit.example"}, "index 1"), true},
		{"attribute through an event edit", "/events/edit/1", `{"Attribute":[{"uuid":"` + allUUID + `","distribution":"0"}]}`,
			withPrefix([]string{"community.example", "group7.example", "inherit.example"}, "index 1"),
			withPrefix([]string{"community.example", "inherit.example"}, "index 1"), true},
		{"event to sharing group", "/events/edit/1", `{"distribution":"4","sharing_group_id":"7"}`,
			withPrefix([]string{"all.example", "community.example", "group7.example", "inherit.example"}, "index 1"),
			[]string{"view 404"}, false},
		{"event to organisation only", "/events/edit/1", `{"distribution":"0"}`, []string{"view 404"}, []string{"view 404"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock(testNow)
			s := distributionServer(t, c)
			before, _ := attrState(t, s, "3")
			c.add(600)
			if rec := call(t, s, http.MethodPost, tt.path, tt.body, nil); rec.Code != http.StatusOK {
				t.Fatalf("%s: %d %s", tt.path, rec.Code, rec.Body)
			}
			now := fmt.Sprint(c.now().Unix())
			ev := viewEvent(t, s, "1")
			if ev.Timestamp != now || ev.Published {
				t.Errorf("event timestamp %s, published %v; want %s, false", ev.Timestamp, ev.Published, now)
			}
			wantTS := before.Timestamp
			if tt.attrTS {
				wantTS = now
			}
			if a, _ := attrState(t, s, "3"); a.Timestamp != wantTS {
				t.Errorf("attribute timestamp %s, want %s", a.Timestamp, wantTS)
			}
			for _, u := range []struct {
				key  string
				want []string
			}{{keyOfOrg2, tt.org2}, {keyOfOrg3, tt.org3}} {
				if got := domainsSeenBy(t, s, u.key); !slices.Equal(got, u.want) {
					t.Errorf("%s sees %q, want %q", u.key, got, u.want)
				}
			}
			var since struct {
				Response struct{ Attribute []gotAttr } `json:"response"`
			}
			decode(t, call(t, s, http.MethodPost, "/attributes/restSearch", `{"timestamp":`+now+`}`, map[string]string{"Authorization": keyOfOrg3}), &since)
			if len(since.Response.Attribute) != 0 {
				t.Errorf("organisation 3's search since the edit returns %d attributes, want none", len(since.Response.Attribute))
			}
		})
	}
}

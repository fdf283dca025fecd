package mispsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestRestSearchAfterWrites: the incremental queries a client makes after
// each write return exactly the attributes that write touched.
func TestRestSearchAfterWrites(t *testing.T) {
	c := newClock(testNow)
	s := timesFixture(t) // events 1-3, attributes 11-14, 21, 31; clock fixed at testNow
	s.opts.Now = c.now
	t0 := testNow.Unix()
	post := func(path, body string) {
		t.Helper()
		rec := call(t, s, http.MethodPost, path, body, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
	}
	type q struct{ body, want string }
	steps := []struct {
		name    string
		path    string
		body    string
		queries []q
	}{
		{"soft delete 21", "/attributes/delete/21", ``, []q{
			{`{"eventid":2}`, ""},
			{`{"eventid":2,"deleted":1}`, "21"},
			{`{"eventid":2,"deleted":[0,1]}`, "21"},
			{fmt.Sprintf(`{"timestamp":%d,"deleted":[0,1]}`, t0+10), "21"},
			{fmt.Sprintf(`{"timestamp":%d}`, t0+10), ""},
			{fmt.Sprintf(`{"event_timestamp":%d,"deleted":[0,1]}`, t0+10), "21"},
		}},
		{"edit 31's value", "/attributes/edit/31", `{"value":"http://y.example/"}`, []q{
			{`{"value":"http://x.example/"}`, ""},
			{`{"value":"http://y.example/"}`, "31"},
			{fmt.Sprintf(`{"timestamp":%d}`, t0+20), "31"},
			{fmt.Sprintf(`{"event_timestamp":%d}`, t0+20), "31"},
			{`{"published":1}`, "11,13"}, // event 3 was unpublished by the edit
		}},
		{"tag event 3", "/events/addTag/3/tlp:white", ``, []q{
			{`{"tags":"tlp:white"}`, "11,13,31"},
			{fmt.Sprintf(`{"event_timestamp":%d,"tags":"tlp:white"}`, t0+30), "31"},
			{fmt.Sprintf(`{"timestamp":%d}`, t0+30), ""},
		}},
		{"untag event 1", "/events/removeTag/1/tlp:white", ``, []q{
			{`{"tags":"tlp:white"}`, "31"},
			{`{"tags":"!tlp:white"}`, "11,13"},
			{fmt.Sprintf(`{"event_timestamp":%d}`, t0+40), "11,13"},
		}},
		{"publish 3", "/events/publish/3", ``, []q{
			{fmt.Sprintf(`{"publish_timestamp":%d}`, t0+50), "31"},
			{fmt.Sprintf(`{"event_timestamp":%d}`, t0+50), ""},
			{`{"published":1}`, "31"},
		}},
		{"add to event 2", "/attributes/add/2", `{"type":"ip-dst","value":"192.0.2.99"}`, []q{
			{fmt.Sprintf(`{"timestamp":%d}`, t0+60), "32"},
			{`{"eventid":2,"deleted":[0,1]}`, "21,32"},
			{`{"value":"192.0.2.99","to_ids":1}`, "32"},
		}},
		{"hard delete 12", "/attributes/delete/12/hard:1", ``, []q{
			{`{"eventid":1,"deleted":[0,1]}`, "11,13,14"},
			{fmt.Sprintf(`{"event_timestamp":%d}`, t0+70), "11,13"},
		}},
		{"tag attribute 13", "/attributes/addTag/13/t:a", ``, []q{
			{`{"tags":"t:a"}`, "11,13"},
			{fmt.Sprintf(`{"timestamp":%d,"tags":"t:a"}`, t0+80), "13"},
		}},
		{"untag attribute 11", "/attributes/removeTag/11/t:a", ``, []q{
			{`{"tags":"t:a"}`, "13"},
			{fmt.Sprintf(`{"timestamp":%d}`, t0+90), "11"},
		}},
		{"edit event 1 info", "/events/edit/1", `{"info":"Renamed"}`, []q{
			{fmt.Sprintf(`{"event_timestamp":%d,"deleted":[0,1]}`, t0+100), "11,13,14"},
			{fmt.Sprintf(`{"timestamp":%d,"deleted":[0,1]}`, t0+100), ""},
		}},
	}
	for k, st := range steps {
		c.set(t0 + 10*int64(k+1))
		post(st.path, st.body)
		for _, qq := range st.queries {
			if got := ids(search(t, s, qq.body)); got != qq.want {
				t.Errorf("after %s: %s: got %q, want %q", st.name, qq.body, got, qq.want)
			}
		}
	}
	for _, a := range search(t, s, `{"eventid":2,"deleted":1}`) {
		if !a.Deleted {
			t.Errorf("attribute %s not flagged deleted", a.ID)
		}
	}
	for _, a := range search(t, s, `{"eventid":1}`) {
		if a.Event.Info != "Renamed" {
			t.Errorf("attribute %s: Event.info %q", a.ID, a.Event.Info)
		}
	}
}

// TestWarninglistAfterWrites: hits kept across writes match a fresh
// computation.
func TestWarninglistAfterWrites(t *testing.T) {
	s := timesFixture(t)
	if _, err := s.AddWarninglist(Warninglist{Name: "Doc", Type: "cidr", List: []string{"192.0.2.0/24"}}); err != nil {
		t.Fatal(err)
	}
	post := func(path, body string) {
		t.Helper()
		if rec := call(t, s, http.MethodPost, path, body, nil); rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
	}
	const q = `{"enforceWarninglist":1,"deleted":[0,1]}`
	if got := ids(search(t, s, q)); got != "12,14,21,31" {
		t.Fatalf("before: %q", got)
	}
	post("/attributes/edit/21", `{"value":"192.0.2.21"}`)
	post("/attributes/edit/11", `{"value":"198.51.100.11"}`)
	post("/attributes/add/3", `{"type":"ip-dst","value":"192.0.2.50"}`)
	post("/attributes/add/3", `{"type":"ip-dst","value":"198.51.100.51"}`)
	got := ids(search(t, s, q))
	if got != "11,12,14,31,33" {
		t.Errorf("after writes: %q", got)
	}
	s.wlMu.Lock()
	s.hits, s.wlIx = nil, nil // force a full computation
	s.wlMu.Unlock()
	if again := ids(search(t, s, q)); again != got {
		t.Errorf("recomputed: %q, kept: %q", again, got)
	}
}

// TestEventIndexAfterSort: an AddEvent that re-sorts the attribute table
// must not leave writes looking at stale per-event positions.
func TestEventIndexAfterSort(t *testing.T) {
	s := timesFixture(t)
	if rec := call(t, s, http.MethodPost, "/attributes/add/1", `{"type":"url","value":"http://i.example/"}`, nil); rec.Code != http.StatusOK {
		t.Fatalf("add: %d %s", rec.Code, rec.Body.String())
	}
	if _, err := s.AddEvent(Event{ID: 9, Info: "low ids", Attributes: []Attribute{{ID: 5, Type: "ip-dst", Value: "192.0.2.1"}}}); err != nil {
		t.Fatal(err)
	}
	rec := call(t, s, http.MethodPost, "/attributes/add/1", `{"type":"ip-dst","value":"192.0.2.1"}`, nil)
	if rec.Code != http.StatusForbidden {
		t.Errorf("similar attribute after a sort: %d %s", rec.Code, rec.Body.String())
	}
	if rec := call(t, s, http.MethodPost, "/attributes/add/9", `{"type":"ip-dst","value":"192.0.2.2"}`, nil); rec.Code != http.StatusOK {
		t.Errorf("add to event 9: %d %s", rec.Code, rec.Body.String())
	}
	var got []string
	for _, a := range viewEvent(t, s, "1").Attribute {
		got = append(got, a.ID)
	}
	if fmt.Sprint(got) != "[11 32]" {
		t.Errorf("event 1 attributes %v", got)
	}
	if ev := viewEvent(t, s, "9"); len(ev.Attribute) != 2 || ev.Attribute[0].ID != "5" || ev.Attribute[1].ID != "33" {
		t.Errorf("event 9 attributes %+v", ev.Attribute)
	}
}

// TestAddEventWithObject: object attributes from /events/add get one
// object id per object, and deleting one shows MISP's deleted quirk.
func TestAddEventWithObject(t *testing.T) {
	c := newClock(testNow)
	s := newWriteServer(t, c)
	body := `{"Event":{"info":"obj","published":true,"Attribute":[{"type":"ip-dst","value":"192.0.2.1"}],
		"Object":[{"name":"domain-ip","Attribute":[{"type":"domain","value":"o.example","object_relation":"domain"},{"type":"ip-dst","value":"192.0.2.1","object_relation":"ip"}]}]}}`
	if rec := call(t, s, http.MethodPost, "/events/add", body, nil); rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
	ev := viewEvent(t, s, "1")
	if !ev.Published || ev.PublishTS != fmt.Sprint(testNow.Unix()) || len(ev.Attribute) != 1 || ev.AttrCount != "3" {
		t.Errorf("event %+v", ev)
	}
	c.add(5)
	if rec := call(t, s, http.MethodPost, "/attributes/delete/3", ``, nil); rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
	for _, q := range []struct{ body, want string }{
		{`{"returnFormat":"json"}`, "1,2"},
		{`{"deleted":1}`, ""}, // the object is live: MISP's Object.deleted condition drops it
		{`{"deleted":[0,1]}`, "1,2,3"},
		{fmt.Sprintf(`{"timestamp":%d,"deleted":[0,1]}`, testNow.Unix()+5), "3"},
	} {
		if got := ids(search(t, s, q.body)); got != q.want {
			t.Errorf("%s: %q, want %q", q.body, got, q.want)
		}
	}
}

// TestDeletedEventDisappears: a deleted event and its attributes leave
// restSearch (every filter), the event index and events/view; the other
// events stay as they were.
func TestDeletedEventDisappears(t *testing.T) {
	c := newClock(testNow)
	s := timesFixture(t) // events 1-3, attributes 11-14, 21, 31
	s.opts.Now = c.now
	c.add(10)
	rec := call(t, s, http.MethodPost, "/events/delete/1", ``, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body.String())
	}
	for _, qq := range []struct{ body, want string }{
		{`{"deleted":[0,1]}`, "21,31"},
		{`{"eventid":1,"deleted":[0,1]}`, ""},
		{`{"value":"192.0.2.1"}`, ""},
		{`{"tags":"t:a"}`, ""},
		{fmt.Sprintf(`{"timestamp":%d,"deleted":[0,1]}`, testNow.Unix()-50*86400), "21,31"},
		{`{"published":1}`, "31"},
	} {
		if got := ids(search(t, s, qq.body)); got != qq.want {
			t.Errorf("%s: got %q, want %q", qq.body, got, qq.want)
		}
	}
	for _, qq := range []struct{ body, want, count string }{
		{``, "2,3", "2"},
		{`{"minimal":1,"eventid":[1,2,3]}`, "2,3", "2"},
		{`{"minimal":1,"eventid":"1"}`, "", "0"},
		{`{"minimal":1,"published":1}`, "3", "1"},
	} {
		if got, count := indexIDs(t, s, qq.body); got != qq.want || count != qq.count {
			t.Errorf("index %s: %q (count %s), want %q (count %s)", qq.body, got, count, qq.want, qq.count)
		}
	}
	if rec := call(t, s, http.MethodGet, "/events/view/1", ``, nil); rec.Code != http.StatusNotFound {
		t.Errorf("view of the deleted event: %d %s", rec.Code, rec.Body.String())
	}
	if got := viewEvent(t, s, "2"); got.AttrCount != "1" || len(got.Attribute) != 1 || got.Attribute[0].ID != "21" {
		t.Errorf("event 2 changed: %+v", got)
	}
	if st := s.Stats(); st.Events != 2 {
		t.Errorf("Stats().Events = %d, want 2", st.Events)
	}
	if got := s.Counters().Paths["/events/delete"]; got != 1 {
		t.Errorf("%d delete requests counted, want 1", got)
	}
	// A new event may carry the deleted event's values; it gets a new id.
	rec = call(t, s, http.MethodPost, "/events/add", `{"info":"Again","Attribute":[{"type":"ip-dst","value":"192.0.2.1","to_ids":true}]}`, nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), `{"Event":{"id":"4"`) {
		t.Fatalf("add: %d %s", rec.Code, rec.Body.String())
	}
	if got := search(t, s, `{"value":"192.0.2.1"}`); len(got) != 1 || got[0].EventID != "4" {
		t.Errorf("value of the new event: %+v", got)
	}
}

// TestRestartDatabase: after RestartDatabase, as after restarting MySQL
// before 8.0, the next event takes the id of the newest events deleted;
// an id below the largest left is not given again.
func TestRestartDatabase(t *testing.T) {
	tests := []struct {
		name    string
		deleted []string
		restart bool
		wantID  string
	}{
		{"newest deleted, no restart", []string{"3"}, false, "4"},
		{"newest deleted, restarted", []string{"3"}, true, "3"},
		{"two newest deleted, restarted", []string{"3", "2"}, true, "2"},
		{"an older one deleted, restarted", []string{"1"}, true, "4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := timesFixture(t) // events 1-3
			deletedUUIDs := map[string]bool{}
			for _, id := range tt.deleted {
				deletedUUIDs[uuidOf(t, s, id)] = true
				if rec := call(t, s, http.MethodPost, "/events/delete/"+id, ``, nil); rec.Code != http.StatusOK {
					t.Fatalf("delete %s: %d %s", id, rec.Code, rec.Body.String())
				}
			}
			if tt.restart {
				s.RestartDatabase()
			}
			rec := call(t, s, http.MethodPost, "/events/add", `{"info":"New","Attribute":[{"type":"ip-dst","value":"198.51.100.77","to_ids":true}]}`, nil)
			if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), `{"Event":{"id":"`+tt.wantID+`"`) {
				t.Fatalf("add: %d %.80s, want id %s", rec.Code, rec.Body.String(), tt.wantID)
			}
			if u := uuidOf(t, s, tt.wantID); deletedUUIDs[u] {
				t.Errorf("event %s has a deleted event's uuid %s", tt.wantID, u)
			}
			if got := viewEvent(t, s, tt.wantID); got.Info != "New" || len(got.Attribute) != 1 || got.Attribute[0].Value != "198.51.100.77" {
				t.Errorf("event %s: %+v", tt.wantID, got)
			}
			if got := search(t, s, `{"eventid":`+tt.wantID+`}`); len(got) != 1 || got[0].Value != "198.51.100.77" {
				t.Errorf("restSearch of event %s: %+v", tt.wantID, got)
			}
		})
	}
}

// uuidOf reads an event's uuid from /events/view.
func uuidOf(t *testing.T, s *Server, id string) string {
	t.Helper()
	rec := call(t, s, http.MethodGet, "/events/view/"+id, "", nil)
	var doc struct{ Event struct{ UUID string } }
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || doc.Event.UUID == "" {
		t.Fatalf("view %s: %d %.100s", id, rec.Code, rec.Body.String())
	}
	return doc.Event.UUID
}

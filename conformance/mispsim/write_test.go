package mispsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// testClock is a settable Options.Now.
type testClock struct{ t atomic.Int64 }

func newClock(t time.Time) *testClock {
	c := &testClock{}
	c.t.Store(t.Unix())
	return c
}

func (c *testClock) now() time.Time    { return time.Unix(c.t.Load(), 0) }
func (c *testClock) set(unix int64)    { c.t.Store(unix) }
func (c *testClock) add(seconds int64) { c.t.Add(seconds) }

// newWriteServer is an empty emulator on clock c.
func newWriteServer(t testing.TB, c *testClock) *Server {
	t.Helper()
	s, err := New(Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type eventState struct {
	ID        string `json:"id"`
	Info      string `json:"info"`
	Published bool   `json:"published"`
	Timestamp string `json:"timestamp"`
	PublishTS string `json:"publish_timestamp"`
	AttrCount string `json:"attribute_count"`
	Attribute []gotAttr
	Tag       []struct{ Name string }
}

func viewEvent(t testing.TB, s *Server, id string) eventState {
	t.Helper()
	rec := call(t, s, http.MethodGet, "/events/view/"+id, "", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("view %s: %d %s", id, rec.Code, rec.Body.String())
	}
	var doc struct{ Event eventState }
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("view %s: %v\n%s", id, err, rec.Body.String())
	}
	return doc.Event
}

// attrState finds one attribute, deleted or not, through restSearch.
func attrState(t testing.TB, s *Server, id string) (gotAttr, bool) {
	t.Helper()
	for _, a := range search(t, s, `{"deleted":[0,1]}`) {
		if a.ID == id {
			return a, true
		}
	}
	return gotAttr{}, false
}

// TestWriteTimestamps walks one event through every write and checks which
// timestamps and flags each one moves.
func TestWriteTimestamps(t *testing.T) {
	t0 := testNow.Unix()
	c := newClock(testNow)
	s := newWriteServer(t, c)
	// A tag to attach must exist: MISP's addTag does not create tags.
	if _, err := s.AddEvent(Event{ID: 100, Info: "tags", Tags: []string{"tlp:green"}}); err != nil {
		t.Fatal(err)
	}
	ts := func(d int64) string { return fmt.Sprint(t0 + d) }
	type want struct {
		evTS, pubTS string
		published   bool
		attr        string // attribute to check, "" for none
		attrTS      string
		deleted     bool
		toIDs       bool
	}
	steps := []struct {
		name   string
		at     int64 // seconds after t0
		path   string
		body   string
		status int
		want   want
	}{
		{"add event", 0, "/events/add", `{"Event":{"info":"Writes","Attribute":[{"type":"ip-dst","value":"192.0.2.1"}]}}`, 200,
			want{ts(0), "0", false, "1", ts(0), false, true}},
		{"publish", 10, "/events/publish/101", ``, 200, want{ts(0), ts(10), true, "1", ts(0), false, true}},
		{"unpublish keeps timestamps", 20, "/events/unpublish/101", ``, 200, want{ts(0), ts(10), false, "1", ts(0), false, true}},
		{"publish again", 30, "/events/publish/101", ``, 200, want{ts(0), ts(30), true, "1", ts(0), false, true}},
		{"add event tag", 40, "/events/addTag/101/tlp:green", ``, 200, want{ts(40), ts(30), false, "1", ts(0), false, true}},
		{"remove event tag", 50, "/events/removeTag/101/tlp:green", ``, 200, want{ts(50), ts(30), false, "1", ts(0), false, true}},
		{"add attribute", 60, "/attributes/add/101", `{"type":"domain","value":"w.example","to_ids":false}`, 200,
			want{ts(60), ts(30), false, "2", ts(60), false, false}},
		{"to_ids flip", 70, "/attributes/edit/1", `{"to_ids":false}`, 200, want{ts(70), ts(30), false, "1", ts(70), false, false}},
		{"second edit in the same second", 70, "/attributes/edit/1", `{"Attribute":{"comment":"again"}}`, 200,
			want{ts(70), ts(30), false, "1", ts(70), false, false}},
		{"stale attribute timestamp refused", 80, "/attributes/edit/1", fmt.Sprintf(`{"timestamp":"%d","to_ids":true}`, t0+70), 405,
			want{ts(70), ts(30), false, "1", ts(70), false, false}},
		{"explicit newer attribute timestamp", 90, "/attributes/edit/1", fmt.Sprintf(`{"timestamp":%d,"to_ids":true}`, t0+1000), 200,
			want{ts(90), ts(30), false, "1", ts(1000), false, true}},
		{"publish before delete", 95, "/events/publish/101", ``, 200, want{ts(90), ts(95), true, "1", ts(1000), false, true}},
		{"soft delete", 100, "/attributes/delete/2", ``, 200, want{ts(100), ts(95), false, "2", ts(100), true, false}},
		{"delete twice", 105, "/attributes/delete/2", ``, 404, want{ts(100), ts(95), false, "2", ts(100), true, false}},
		{"edit deleted", 105, "/attributes/edit/2", `{"comment":"x"}`, 404, want{ts(100), ts(95), false, "2", ts(100), true, false}},
		{"edit event and publish", 110, "/events/edit/101", `{"Event":{"info":"Writes 2","published":true}}`, 200,
			want{ts(110), ts(110), true, "", "", false, false}},
		{"edit event without change keeps publish_timestamp", 120, "/events/edit/101", `{"info":"Writes 2","published":true}`, 200,
			want{ts(120), ts(110), true, "", "", false, false}},
		{"stale event timestamp refused", 130, "/events/edit/101", fmt.Sprintf(`{"timestamp":%d,"info":"x"}`, t0+120), 403,
			want{ts(120), ts(110), true, "", "", false, false}},
		{"edit event without published unpublishes", 140, "/events/edit/101", `{"threat_level_id":"1"}`, 200,
			want{ts(140), ts(110), false, "", "", false, false}},
		{"event edit with newer attribute", 150, "/events/edit/101", fmt.Sprintf(`{"Attribute":[{"uuid":%q,"comment":"via event"}]}`, hashUUID("attribute:1")), 200,
			want{ts(150), ts(110), false, "1", ts(150), false, true}},
		{"publish before attribute tag", 155, "/events/publish/101", ``, 200, want{ts(150), ts(155), true, "1", ts(150), false, true}},
		{"add attribute tag", 160, "/attributes/addTag/1/tlp:green", ``, 200, want{ts(160), ts(155), false, "1", ts(160), false, true}},
		{"remove attribute tag", 170, "/attributes/removeTag", `{"attribute":"1","tag":"TLP:GREEN"}`, 200,
			want{ts(170), ts(155), false, "1", ts(170), false, true}},
		{"publish before local tag", 175, "/events/publish/101", ``, 200, want{ts(170), ts(175), true, "1", ts(170), false, true}},
		// A local tag moves nothing (MISP's EventsController::addTag and
		// removeTag unpublish only for a tag that is not local).
		{"add local event tag", 180, "/events/addTag/101/tlp:green/local:1", ``, 200, want{ts(170), ts(175), true, "1", ts(170), false, true}},
		{"remove local event tag", 190, "/events/removeTag/101/tlp:green", ``, 200, want{ts(170), ts(175), true, "1", ts(170), false, true}},
		{"add local event tag by body", 200, "/events/addTag/local:1", `{"event":"101","tag":"tlp:green"}`, 200,
			want{ts(170), ts(175), true, "1", ts(170), false, true}},
		// Nor does a local attribute tag (AttributesController::addTag and
		// removeTag touch the attribute only for a tag that is not local).
		{"add local attribute tag", 210, "/attributes/addTag/1/tlp:green/local:1", ``, 200, want{ts(170), ts(175), true, "1", ts(170), false, true}},
		{"remove local attribute tag", 220, "/attributes/removeTag/1/tlp:green", ``, 200, want{ts(170), ts(175), true, "1", ts(170), false, true}},
		{"add local attribute tag by body", 230, "/attributes/addTag/local:1", `{"attribute":"1","tag":"tlp:green"}`, 200,
			want{ts(170), ts(175), true, "1", ts(170), false, true}},
		{"remove local attribute tag by body", 240, "/attributes/removeTag", `{"attribute":"1","tag":"tlp:green"}`, 200,
			want{ts(170), ts(175), true, "1", ts(170), false, true}},
		{"add attribute tag after a local one", 250, "/attributes/addTag/1/tlp:green", ``, 200, want{ts(250), ts(175), false, "1", ts(250), false, true}},
		{"remove it", 260, "/attributes/removeTag/1/tlp:green", ``, 200, want{ts(260), ts(175), false, "1", ts(260), false, true}},
	}
	for _, st := range steps {
		c.set(t0 + st.at)
		rec := call(t, s, http.MethodPost, st.path, st.body, nil)
		if rec.Code != st.status || st.status == 200 && strings.Contains(rec.Body.String(), `"saved":false`) {
			t.Fatalf("%s: status %d, want %d: %s", st.name, rec.Code, st.status, rec.Body.String())
		}
		ev := viewEvent(t, s, "101")
		if ev.Timestamp != st.want.evTS || ev.PublishTS != st.want.pubTS || ev.Published != st.want.published {
			t.Errorf("%s: event timestamp %s publish_timestamp %s published %v, want %s %s %v",
				st.name, ev.Timestamp, ev.PublishTS, ev.Published, st.want.evTS, st.want.pubTS, st.want.published)
		}
		if st.want.attr == "" {
			continue
		}
		a, ok := attrState(t, s, st.want.attr)
		if !ok || a.Timestamp != st.want.attrTS || a.Deleted != st.want.deleted || a.ToIDS != st.want.toIDs {
			t.Errorf("%s: attribute %s (found %v) timestamp %s deleted %v to_ids %v, want %s %v %v",
				st.name, st.want.attr, ok, a.Timestamp, a.Deleted, a.ToIDS, st.want.attrTS, st.want.deleted, st.want.toIDs)
		}
	}
	// The local tag is a tag as any other to restSearch's tags filter.
	if got := search(t, s, `{"tags":["tlp:green"],"eventid":101}`); len(got) != 1 {
		t.Errorf("restSearch by the local tag: %d attributes, want 1", len(got))
	}
	if idx := call(t, s, http.MethodPost, "/events/index", `{"eventid":[101]}`, nil).Body.String(); !strings.Contains(idx, `"local":true,`) {
		t.Errorf("event index does not mark the local tag: %s", idx)
	}
	if a, _ := attrState(t, s, "1"); a.Event.Info != "Writes 2" {
		t.Errorf("restSearch Event.info after edit: %q", a.Event.Info)
	}
}

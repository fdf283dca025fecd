package mispsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// indexIDs runs /events/index with body and returns the event ids listed,
// comma-separated, and the X-Result-Count header.
func indexIDs(t *testing.T, s *Server, body string) (string, string) {
	t.Helper()
	rec := call(t, s, http.MethodPost, "/events/index", body, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", body, rec.Code, rec.Body.String())
	}
	var events []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &events); err != nil {
		t.Fatalf("%s: %v in %s", body, err, rec.Body.String())
	}
	var ids []string
	for _, e := range events {
		ids = append(ids, e.ID)
	}
	return strings.Join(ids, ","), rec.Header().Get("X-Result-Count")
}

func TestEventsIndexFilters(t *testing.T) {
	s := timesFixture(t)
	now := testNow.Unix()
	const h, d = 3600, 86400
	uuid3 := s.st.events[2].uuid
	tests := []struct{ name, body, want string }{
		{"no filter", ``, "1,2,3"},
		{"timestamp", fmt.Sprintf(`{"timestamp":%d}`, now-3*h), "1"},
		{"timestamp as a string, search prefix", fmt.Sprintf(`{"searchtimestamp":"%d"}`, now-2*d), "1,3"},
		{"timestamp range", fmt.Sprintf(`{"timestamp":[%d,%d]}`, now-2*d, now-12*h), "3"},
		{"publish_timestamp", fmt.Sprintf(`{"publish_timestamp":%d}`, now-4*h), "1"},
		{"publishtimestamp", fmt.Sprintf(`{"publishtimestamp":%d}`, now-2*d), "1,3"},
		{"published 0", `{"published":0}`, "2"},
		{"published true", `{"published":true}`, "1,3"},
		{"published both", `{"published":[0,1]}`, "1,2,3"},
		{"published 2", `{"published":2}`, "1,2,3"},
		{"eventid list", `{"eventid":[3,1]}`, "1,3"},
		{"eventid pipes and a negation", `{"eventid":"1|2|!2"}`, "1"},
		{"eventid uuid in upper case", fmt.Sprintf(`{"eventid":["%s"]}`, strings.ToUpper(uuid3)), "3"},
		{"eventid uuids and ids both apply", fmt.Sprintf(`{"eventid":["%s",2]}`, uuid3), ""},
		{"eventid uuid and its event's id", fmt.Sprintf(`{"eventid":"%s|3|2"}`, uuid3), "3"},
		{"eventid negated uuid only", fmt.Sprintf(`{"eventid":"!%s"}`, uuid3), "1,2"},
		{"filters combine with AND", fmt.Sprintf(`{"published":0,"eventid":[1,2],"timestamp":%d}`, now-20*d), "2"},
		{"request wrapper", `{"request":{"eventid":2}}`, "2"},
		{"paged", `{"limit":2,"page":2}`, "3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := indexIDs(t, s, tc.body)
			if got != tc.want {
				t.Errorf("%s: events %q, want %q", tc.body, got, tc.want)
			}
		})
	}
	if _, count := indexIDs(t, s, `{"limit":1}`); count != "3" {
		t.Errorf("X-Result-Count %q, want 3 (every event matched)", count)
	}
}

// The index's shapes: minimal rows and full rows with EventTag, as
// MISP's __indexRestResponse writes them; writes move what it shows.
func TestEventsIndexShapesAndWrites(t *testing.T) {
	c := newClock(testNow)
	s := timesFixture(t)
	s.opts.Now = c.now
	rec := call(t, s, http.MethodPost, "/events/index", `{"minimal":1,"eventid":1}`, nil)
	want := fmt.Sprintf(`[{"id":"1","timestamp":"%d","sighting_timestamp":"0","published":true,"uuid":`, testNow.Unix()-7200)
	if !strings.HasPrefix(rec.Body.String(), want) || !strings.Contains(rec.Body.String(), `"orgc_uuid":`) || strings.Contains(rec.Body.String(), "EventTag") {
		t.Errorf("minimal row %s", rec.Body.String())
	}
	rec = call(t, s, http.MethodPost, "/events/index", `{"eventid":1}`, nil)
	for _, part := range []string{`"attribute_count":"2"`, `"publish_timestamp":"`, `"Orgc":{`,
		`"EventTag":[{"id":"0","event_id":"1","tag_id":"`, `"Tag":{"id":"`, `"name":"tlp:white"`} {
		if !strings.Contains(rec.Body.String(), part) {
			t.Errorf("full row lacks %s: %s", part, rec.Body.String())
		}
	}
	c.add(100)
	t1 := c.now().Unix()
	if rec := call(t, s, http.MethodPost, "/events/addTag/2/tlp:white", ``, nil); rec.Code != http.StatusOK {
		t.Fatalf("addTag: %d %s", rec.Code, rec.Body.String())
	}
	if rec := call(t, s, http.MethodPost, "/events/unpublish/3", ``, nil); rec.Code != http.StatusOK {
		t.Fatalf("unpublish: %d %s", rec.Code, rec.Body.String())
	}
	if got, _ := indexIDs(t, s, fmt.Sprintf(`{"timestamp":%d}`, t1)); got != "2" {
		t.Errorf("events stamped since the tag change: %q, want 2 (unpublishing moves no timestamp)", got)
	}
	if got, _ := indexIDs(t, s, `{"minimal":1,"published":0,"eventid":[1,3]}`); got != "3" {
		t.Errorf("unpublished among 1 and 3: %q, want 3", got)
	}
	rec = call(t, s, http.MethodPost, "/events/index", fmt.Sprintf(`{"timestamp":%d}`, t1), nil)
	if !strings.Contains(rec.Body.String(), `"name":"tlp:white"`) {
		t.Errorf("event 2's new tag not listed: %s", rec.Body.String())
	}
	if got := s.Counters().Paths["/events/index"]; got != 5 {
		t.Errorf("%d index requests counted, want 5", got)
	}
}

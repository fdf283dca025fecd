package mispsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

// timesFixture: events with explicit event and publish timestamps.
//
//	event 1 (published; ts now-2h, published now-3h; tag tlp:white):
//	    11 ip-dst now-1h (attr tag t:a), 12 domain now-2h deleted,
//	    13 in object now-4h, 14 in object now-2h deleted
//	event 2 (unpublished; ts now-10d; no tags): 21 ip-src now-10d
//	event 3 (published; ts and published now-1d; tag t:b): 31 url now-30d
func timesFixture(t testing.TB) *Server {
	t.Helper()
	now := testNow.Unix()
	const h, d = 3600, 86400
	return serverWith(t, []Event{
		{ID: 1, Info: "One", Published: true, Timestamp: now - 2*h, PublishTimestamp: now - 3*h, Tags: []string{"tlp:white"},
			Attributes: []Attribute{
				{ID: 11, Type: "ip-dst", Value: "192.0.2.1", ToIDS: true, Timestamp: now - h, Tags: []string{"t:a"}},
				{ID: 12, Type: "domain", Value: "gone.example", Deleted: true, Timestamp: now - 2*h},
				{ID: 13, Type: "ip-dst", Value: "192.0.2.13", ObjectID: 1, ObjectRelation: "ip", Timestamp: now - 4*h},
				{ID: 14, Type: "domain", Value: "o.example", ObjectID: 1, ObjectRelation: "domain", Deleted: true, Timestamp: now - 2*h},
			}},
		{ID: 2, Info: "Two", Attributes: []Attribute{{ID: 21, Type: "ip-src", Value: "198.51.100.1", Timestamp: now - 10*d}}},
		{ID: 3, Info: "Three", Published: true, Timestamp: now - d, Tags: []string{"t:b"},
			Attributes: []Attribute{{ID: 31, Type: "url", Value: "http://x.example/", Timestamp: now - 30*d}}},
	})
}

func TestRestSearchTimeAndDeletedFilters(t *testing.T) {
	s := timesFixture(t)
	now := testNow.Unix()
	const h, d = 3600, 86400
	checkSearches(t, s, []searchCase{
		{"default excludes deleted", `{"returnFormat":"json"}`, "11,13,21,31"},
		{"deleted 1 (object attributes fail Object.deleted)", `{"deleted":1}`, "12"},
		{"deleted true", `{"deleted":true}`, "12"},
		{"deleted only", `{"deleted":"only"}`, "12"},
		{"deleted string 1", `{"deleted":"1"}`, "12"},
		{"deleted both", `{"deleted":[0,1]}`, "11,12,13,14,21,31"},
		{"deleted both as strings", `{"deleted":["0","1"]}`, "11,12,13,14,21,31"},
		{"deleted both OR", `{"deleted":{"OR":[0,1]}}`, "11,12,13,14,21,31"},
		{"deleted 0", `{"deleted":0}`, "11,13,21,31"},
		{"deleted string 0", `{"deleted":"0"}`, "11,13,21,31"},
		{"deleted false", `{"deleted":false}`, "11,13,21,31"},
		{"deleted empty list", `{"deleted":[]}`, "11,13,21,31"},
		{"deleted NOT 1", `{"deleted":{"NOT":[1]}}`, "11,13,21,31"},
		{"deleted not 0", `{"deleted":"!0"}`, "12"},
		{"timestamp", fmt.Sprintf(`{"timestamp":%d}`, now-3*h), "11"},
		{"timestamp with deleted", fmt.Sprintf(`{"timestamp":%d,"deleted":[0,1]}`, now-3*h), "11,12,14"},
		{"timestamp range", fmt.Sprintf(`{"timestamp":[%d,%d]}`, now-6*h, now-3*h), "13"},
		{"timestamp range reversed", fmt.Sprintf(`{"timestamp":["%d","%d"]}`, now-3*h, now-6*h), "13"},
		{"timestamp relative", `{"timestamp":"3h"}`, "11"},
		{"attribute_timestamp", fmt.Sprintf(`{"attribute_timestamp":%d}`, now-3*h), "11"},
		{"timestamp and attribute_timestamp intersect", fmt.Sprintf(`{"timestamp":%d,"attribute_timestamp":%d}`, now-5*h, now-2*h), "11"},
		{"timestamp is not the event's", fmt.Sprintf(`{"timestamp":%d}`, now-20*d), "11,13,21"},
		{"event_timestamp", fmt.Sprintf(`{"event_timestamp":%d}`, now-3*h), "11,13"},
		{"event_timestamp relative", `{"event_timestamp":"2d"}`, "11,13,31"},
		{"event_timestamp range", fmt.Sprintf(`{"event_timestamp":[%d,%d]}`, now-11*d, now-2*d), "21"},
		{"event_timestamp exact bound", fmt.Sprintf(`{"event_timestamp":%d}`, now-d), "11,13,31"},
		{"event_timestamp bad list", `{"event_timestamp":[1,2,3]}`, ""},
		{"publish_timestamp", fmt.Sprintf(`{"publish_timestamp":%d}`, now-2*d), "11,13,31"},
		{"publish_timestamp relative", `{"publish_timestamp":"12h"}`, "11,13"},
		{"publish_timestamp never published", `{"publish_timestamp":[0,1]}`, "21"},
		{"last", `{"last":"12h"}`, "11,13"},
		{"publish_timestamp and last intersect", fmt.Sprintf(`{"publish_timestamp":%d,"last":"12h"}`, now-2*d), "11,13"},
		{"event and attribute times", fmt.Sprintf(`{"event_timestamp":%d,"timestamp":%d}`, now-3*h, now-3*h), "11"},
		{"published 0", `{"published":0}`, "21"},
		{"published with publish_timestamp", fmt.Sprintf(`{"published":1,"publish_timestamp":%d}`, now-2*d), "11,13,31"},
		{"event tag", `{"tags":"tlp:white"}`, "11,13"},
	})
}

func TestRestSearchPagedEventTimestamp(t *testing.T) {
	s := timesFixture(t)
	now := testNow.Unix()
	// The same paged query with different event times must not share a
	// cached match list.
	a := ids(search(t, s, fmt.Sprintf(`{"event_timestamp":%d,"limit":10,"page":1}`, now-3*3600)))
	b := ids(search(t, s, fmt.Sprintf(`{"event_timestamp":%d,"limit":10,"page":1}`, now-11*86400)))
	if a != "11,13" || b != "11,13,21,31" {
		t.Errorf("got %q and %q", a, b)
	}
}

func TestRestSearchIncludeEventTags(t *testing.T) {
	s := timesFixture(t)
	tag := func(name string) string {
		s.mu.RLock()
		defer s.mu.RUnlock()
		return string(s.st.appendTag(nil, s.st.tagByLower[name]))
	}
	inh := func(name string) string {
		s.mu.RLock()
		defer s.mu.RUnlock()
		return string(s.st.encodeEventTags([]int32{s.st.tagByLower[name]}))
	}
	cases := []struct {
		name, body string
		want       []string // each attribute's "Tag" list, "" for none
	}{
		{"off", `{"eventid":1}`, []string{"[" + tag("t:a") + "]", ""}},
		{"on", `{"eventid":1,"includeEventTags":1}`, []string{"[" + tag("t:a") + "," + inh("tlp:white") + "]", "[" + inh("tlp:white") + "]"}},
		{"on, string", `{"eventid":[1,2],"includeEventTags":"1"}`, []string{"[" + tag("t:a") + "," + inh("tlp:white") + "]", "[" + inh("tlp:white") + "]", ""}},
		{"false", `{"eventid":1,"includeEventTags":false}`, []string{"[" + tag("t:a") + "]", ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := call(t, s, http.MethodPost, "/attributes/restSearch", c.body, nil)
			body := rec.Body.String()
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Length") != fmt.Sprint(len(body)) {
				t.Fatalf("status %d, Content-Length %s for %d bytes", rec.Code, rec.Header().Get("Content-Length"), len(body))
			}
			var doc struct {
				Response struct {
					Attribute []struct {
						Tag json.RawMessage `json:"Tag"`
					} `json:"Attribute"`
				} `json:"response"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			attrs := doc.Response.Attribute
			if len(attrs) != len(c.want) {
				t.Fatalf("%d attributes, want %d: %s", len(attrs), len(c.want), body)
			}
			for i, w := range c.want {
				if got := string(attrs[i].Tag); got != w {
					t.Errorf("attribute %d: Tag %s, want %s", i, got, w)
				}
			}
			search(t, s, c.body) // valid JSON
		})
	}
}

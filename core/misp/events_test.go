package misp

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fastjson"
)

func TestEventFilterBody(t *testing.T) {
	tests := []struct {
		name string
		f    EventFilter
		want string
	}{
		{"changed since", EventFilter{Timestamp: 1700000000}, `{"minimal":0,"timestamp":1700000000}`},
		{"published since", EventFilter{PublishTimestamp: 42}, `{"minimal":0,"publish_timestamp":42}`},
		{"unpublished of these", EventFilter{Minimal: true, Unpublished: true, EventIDs: []int64{3, 10}},
			`{"minimal":1,"published":0,"eventid":[3,10]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(tc.f.Body()); got != tc.want {
				t.Errorf("body %s, want %s", got, tc.want)
			}
		})
	}
}

func TestQueryBodyUUIDs(t *testing.T) {
	body := string(Query{UUIDs: []string{"a", "b"}, WithDeleted: true}.Body(0, 0))
	if !strings.Contains(body, `"uuid":["a","b"],"deleted":[0,1],"includeEventUuid"`) {
		t.Errorf("body %s", body)
	}
}

func TestEvents(t *testing.T) {
	tests := []struct {
		name    string
		answer  string
		want    []EventState
		wantErr bool
	}{
		{"full rows", `[{"id":"7","uuid":"u7","timestamp":"1700000100","publish_timestamp":"1700000000","published":true,` +
			`"Orgc":{"id":"1"},"EventTag":[{"id":"0","tag_id":"3","Tag":{"id":"3","name":"tlp:white"}},{"Tag":{"name":"x:y"}}]}]`,
			[]EventState{{ID: 7, UUID: "u7", Timestamp: 1700000100, PublishTimestamp: 1700000000, Published: true, Tags: []string{"tlp:white", "x:y"}}}, false},
		{"minimal rows", `[{"id":"8","timestamp":"5","published":false,"uuid":"u8"},{"id":9,"timestamp":6,"published":"1","uuid":"u9"}]`,
			[]EventState{{ID: 8, UUID: "u8", Timestamp: 5}, {ID: 9, UUID: "u9", Timestamp: 6, Published: true}}, false},
		{"wrapped rows", `[{"Event":{"id":"1","uuid":"u1"},"Tag":[{"name":"t"}]}]`, []EventState{{ID: 1, UUID: "u1"}}, false},
		{"none", `[]`, []EventState{}, false},
		{"not a list", `{"name":"Not Found"}`, nil, true},
		{"no id", `[{"uuid":"u"}]`, nil, true},
		{"not JSON", `<html>`, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var gotBody string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				gotBody = r.Method + " " + r.URL.Path + " " + string(b)
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, tc.answer)
			}))
			defer srv.Close()
			c := New(Options{Site: "s", BaseURL: srv.URL, Key: testKey, Timeout: time.Minute})
			got, err := c.Events(context.Background(), EventFilter{Timestamp: 9})
			if gotBody != `POST /events/index {"minimal":0,"timestamp":9}` {
				t.Errorf("request %s", gotBody)
			}
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error %v", err, tc.wantErr)
			}
			if !tc.wantErr && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("events %+v, want %+v", got, tc.want)
			}
		})
	}
}

// eventAnswers are index answers decodeEvents must read as the whole
// answer parsed at once reads them: the shapes above, events nested to
// fastjson's depth limit on either side, and broken lists.
func eventAnswers() []string {
	deep := func(n int) string {
		return `[{"id":"1","x":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}]`
	}
	return []string{
		`[{"id":"7","uuid":"u7","timestamp":"1700000100","publish_timestamp":"1700000000","published":true,"EventTag":[{"Tag":{"name":"tlp:white"}},{"Tag":{"name":"x:y"}}]}]`,
		`[{"id":"8","timestamp":"5","published":false,"uuid":"u8"} , {"id":9,"timestamp":6,"published":"1","uuid":"u9"}]`,
		`[{"Event":{"id":"1","uuid":"u1"},"Tag":[{"name":"t"}]}]`,
		` [ ] `, `[]x`, `[`, `[{"id":"1"},]`, `[{"id":"1"} {"id":"2"}]`, `[{"id":"1"}]]`, `[{"id":"1","u":"\x01"}]`,
		`[{"id":"1","u":"a\"b\\"}]`, `[{"id":"1","u":"\u00e9\ud800"}]`, `[1]`, `[{"id":0}]`, `{"name":"Not Found"}`, `<html>`, ``,
		deep(fastjson.MaxDepth - 3), deep(fastjson.MaxDepth - 2), deep(fastjson.MaxDepth - 1), deep(fastjson.MaxDepth), deep(fastjson.MaxDepth + 1),
	}
}

func TestDecodeEventsAsWhole(t *testing.T) {
	for _, answer := range eventAnswers() {
		sameAsWhole(t, []byte(answer))
	}
}

func FuzzDecodeEvents(f *testing.F) {
	for _, answer := range eventAnswers() {
		f.Add([]byte(answer))
	}
	f.Fuzz(sameAsWhole)
}

// sameAsWhole fails t unless decodeEvents reads body as decodeEventsWhole
// does: the same events, or the same error.
func sameAsWhole(t *testing.T, body []byte) {
	got, err := decodeEvents(body)
	want, wantErr := decodeEventsWhole(body)
	if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() || !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: %+v (%v), whole %+v (%v)", body, got, err, want, wantErr)
	}
}

// BenchmarkDecodeEvents reads an index answer of 5,000 events shaped as
// MISP's full index rows (the size of one event index request of a full
// read).
func BenchmarkDecodeEvents(b *testing.B) {
	var body strings.Builder
	body.WriteByte('[')
	for i := range 5000 {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `{"id":"%d","org_id":"1","date":"2026-12-04","info":"OSINT - campaign wave %d","uuid":"b84fb46b-9fe3-4aff-8b5a-%012d",`+
			`"published":true,"analysis":"0","attribute_count":"991","orgc_id":"3","timestamp":"1796390906","distribution":"3",`+
			`"sharing_group_id":"0","proposal_email_lock":false,"locked":false,"threat_level_id":"4","publish_timestamp":"1796390000",`+
			`"sighting_timestamp":"0","disable_correlation":false,"extends_uuid":"","protected":null,`+
			`"Org":{"id":"1","name":"ORGNAME","uuid":"5c6983c8-3af8-4b9e-8a3e-4c0a0a0a0a01","local":true},`+
			`"Orgc":{"id":"3","name":"CIRCL","uuid":"55f6ea5e-51ac-4344-bc8c-4170950d210f","local":false},`+
			`"EventTag":[{"id":"0","event_id":"%d","tag_id":"10","local":false,"relationship_type":null,"Tag":{"id":"10","name":"tlp:amber","colour":"#ffc000","is_galaxy":false}},`+
			`{"id":"0","event_id":"%d","tag_id":"1","local":false,"relationship_type":null,"Tag":{"id":"1","name":"cratos:incident-classification=block","colour":"#80b920","is_galaxy":false}}]}`,
			i+1, i, i, i+1, i+1)
	}
	body.WriteByte(']')
	raw := []byte(body.String())
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if events, err := decodeEvents(raw); err != nil || len(events) != 5000 {
			b.Fatal(len(events), err)
		}
	}
}

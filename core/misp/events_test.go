package misp

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
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

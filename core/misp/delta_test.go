package misp

import (
	"strings"
	"testing"
)

func TestDeltaQueryBody(t *testing.T) {
	tests := []struct {
		name string
		q    Query
		want []string // substrings, in order
	}{
		{"event window", Query{EventTimestamp: 1700000000},
			[]string{`"timestamp":0,"published":false`, `"event_timestamp":1700000000,"includeEventUuid":0,"includeEventTags":0`}},
		{"publish window", Query{Published: true, PublishTimestamp: 42}, []string{`"published":true`, `"publish_timestamp":42,"includeEventUuid":0,"includeEventTags":0`}},
		{"unpublished events", Query{Unpublished: true, EventIDs: []int64{3, 10}}, []string{`"published":0`, `"eventid":[3,10]`}},
		{"deleted too", Query{Timestamp: 9, WithDeleted: true}, []string{`"timestamp":9`, `"deleted":[0,1]`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := string(tc.q.Body(10, 2))
			rest := body
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("body %s lacks %s (in order)", body, w)
				}
				rest = rest[i+len(w):]
			}
			if strings.Count(body, "includeEventTags") != 1 || !strings.HasSuffix(body, `"limit":10,"page":2}`) {
				t.Errorf("body %s", body)
			}
		})
	}
}

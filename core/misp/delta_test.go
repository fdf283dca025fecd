package misp

import (
	"slices"
	"strings"
	"testing"
)

func TestDeltaQueryBody(t *testing.T) {
	tests := []struct {
		name string
		q    Query
		want []string // substrings, in order
	}{
		{"event window with tags", Query{EventTimestamp: 1700000000, IncludeEventTags: true},
			[]string{`"timestamp":0,"published":false`, `"event_timestamp":1700000000,"includeEventTags":1,"includeEventUuid":0,"sgReferenceOnly":0`}},
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

func TestDecodeRowsReadsTags(t *testing.T) {
	page := `{"response":{"Attribute":[` +
		`{"id":"1","event_id":"7","type":"ip-dst","value":"192.0.2.1","uuid":"u1","timestamp":"5","to_ids":true,` +
		`"Tag":[{"id":"3","name":"tlp:white"},{"id":"4","name":"cratos:incident-classification=block","inherited":1}]},` +
		`{"id":"2","event_id":"7","type":"domain","value":"a.example","uuid":"u2","Tag":[]},` +
		`{"id":"3","event_id":"8","type":"domain","value":"b.example","uuid":"u3","Tag":"odd"}]}}`
	var rows []Row
	n, err := decodeRows([]byte(page), func(r Row) { rows = append(rows, r) })
	if err != nil || n != 3 {
		t.Fatalf("%d rows, %v", n, err)
	}
	if !slices.Equal(rows[0].Tags, []string{"tlp:white", "cratos:incident-classification=block"}) || rows[0].EventID != 7 || !rows[0].ToIDS || rows[0].Timestamp != 5 {
		t.Errorf("row 1: %+v", rows[0])
	}
	if rows[1].Tags != nil || rows[2].Tags != nil || rows[2].Value != "b.example" {
		t.Errorf("rows 2 and 3: %+v %+v", rows[1], rows[2])
	}
}

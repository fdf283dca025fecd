package mispsim

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestCompileOrder(t *testing.T) {
	id, idDesc := orderKey{field: "id"}, orderKey{field: "id", desc: true}
	tests := []struct {
		in   any
		want []orderKey
	}{
		{"Attribute.id", []orderKey{id}},
		{"id", []orderKey{id}},
		{"Attribute.ID DESC", []orderKey{idDesc}},
		{"id sideways", []orderKey{id}},
		{"Attribute.type, Event.publish_timestamp desc", []orderKey{{field: "type"}, {field: "publish_timestamp", desc: true}}},
		{[]any{"Attribute.timestamp asc", "id desc"}, []orderKey{{field: "timestamp"}, idDesc}},
		{"attribute.id", nil},                // the model is compared with case
		{"Attribute.uuid", nil},              // not an order column
		{"Event.id", nil},                    // Event offers publish_timestamp only
		{"Attribute.id, uuid", nil},          // one bad rule drops all
		{"Attribute.id,", nil},               // an empty rule too
		{"Attribute.Event.id", nil},          // three parts
		{[]any{"id", json.Number("1")}, nil}, // a rule that is not a string
		{json.Number("1"), nil},              // neither a string nor a list
		{"id; DROP TABLE x", nil},            // not a column
		{[]any{}, nil},
	}
	for _, tc := range tests {
		if got := compileOrder(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("compileOrder(%#v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// orderFixture holds attributes whose id order differs from their order
// by type: 1 ip-dst, 2 domain, 3 ip-dst, 4 domain, 5 ip-dst, 6 domain.
func orderFixture(t *testing.T, opts Options) *Server {
	t.Helper()
	opts.Now = fixedNow
	s := newServer(t, opts)
	var attrs []Attribute
	for i := int64(1); i <= 6; i++ {
		a := Attribute{ID: i, Type: "ip-dst", Value: fmt.Sprintf("192.0.2.%d", i), ToIDS: true, Timestamp: testNow.Unix() - i}
		if i%2 == 0 {
			a.Type, a.Value = "domain", fmt.Sprintf("d%d.example", i)
		}
		attrs = append(attrs, a)
	}
	if _, err := s.AddEvent(Event{ID: 1, Info: "order", Published: true, Attributes: attrs}); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRestSearchOrder(t *testing.T) {
	checkSearches(t, orderFixture(t, Options{}), []searchCase{
		{"no order", `{"returnFormat":"json"}`, "1,2,3,4,5,6"},
		{"id desc", `{"returnFormat":"json","order":"Attribute.id desc"}`, "6,5,4,3,2,1"},
		{"type, then id desc", `{"returnFormat":"json","order":["type","id DESC"]}`, "6,4,2,5,3,1"},
		{"timestamp", `{"returnFormat":"json","order":"timestamp"}`, "6,5,4,3,2,1"},
		{"paged by id desc", `{"returnFormat":"json","order":"Attribute.id desc","limit":4,"page":2}`, "2,1"},
		{"an order MISP refuses is ignored", `{"returnFormat":"json","order":"attribute.id desc"}`, "1,2,3,4,5,6"},
	})
}

// Without an order MISP sends no ORDER BY, and the plan MySQL picks may
// differ from page to page: pages then repeat some attributes and miss
// others. Attribute.id orders every page alike.
func TestUnorderedPlansPaging(t *testing.T) {
	s := orderFixture(t, Options{UnorderedPlans: true})
	pages := func(order string) string {
		var got []string
		for page := 1; page <= 3; page++ {
			got = append(got, ids(search(t, s, fmt.Sprintf(`{"returnFormat":"json"%s,"limit":2,"page":%d}`, order, page))))
		}
		return strings.Join(got, " ")
	}
	// Page 1 reads by type (domain first), page 2 by id, page 3 by type.
	if got, want := pages(""), "2,4 3,4 3,5"; got != want {
		t.Errorf("pages without order %q, want %q", got, want)
	}
	if got, want := pages(`,"order":"Attribute.id"`), "1,2 3,4 5,6"; got != want {
		t.Errorf("pages ordered by id %q, want %q", got, want)
	}
}

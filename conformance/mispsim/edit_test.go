package mispsim

import (
	"strings"
	"testing"
)

func TestEditAttribute(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.AddEvent(Event{Info: "e", Published: true, Attributes: []Attribute{
		{ID: 7, Type: "ip-dst", Value: "192.0.2.7", ToIDS: true, Tags: []string{"x:feed=block"}, Timestamp: 1000, Comment: "c"},
		{ID: 8, Type: "domain", Value: "keep.example", ToIDS: true, Tags: []string{"x:feed=block"}, Timestamp: 1000},
	}})
	if err != nil {
		t.Fatal(err)
	}
	search := func(tag string) string {
		t.Helper()
		return call(t, s, "POST", "/attributes/restSearch", `{"returnFormat":"json","tags":["`+tag+`"]}`, nil).Body.String()
	}
	if b := search("x:feed=block"); !strings.Contains(b, "192.0.2.7") || !strings.Contains(b, "keep.example") {
		t.Fatalf("before: %s", b)
	}
	if err := s.EditAttribute(7, AttributeEdit{Tags: []string{"x:feed=incident"}}); err != nil {
		t.Fatal(err)
	}
	if b := search("x:feed=block"); strings.Contains(b, "192.0.2.7") || !strings.Contains(b, "keep.example") {
		t.Fatalf("re-tagged attribute still in block: %s", b)
	}
	b := search("x:feed=incident")
	if !strings.Contains(b, "192.0.2.7") || !strings.Contains(b, `"comment":"c"`) || strings.Contains(b, `"timestamp":"1000"`) {
		t.Fatalf("re-tagged attribute: %s", b)
	}
	if err := s.EditAttribute(8, AttributeEdit{Deleted: true, Tags: []string{"x:feed=block"}}); err != nil {
		t.Fatal(err)
	}
	if b := search("x:feed=block"); strings.Contains(b, "keep.example") {
		t.Fatalf("deleted attribute returned: %s", b)
	}
	if err := s.EditAttribute(99, AttributeEdit{}); err == nil {
		t.Fatal("unknown attribute edited")
	}
}

package mispsim

import (
	"fmt"
	"net/http"
	"testing"
)

// TestRestSearchPieces: with a memory limit, a page larger than the
// limit allows is read in pieces as MISP's __iteratedFetch reads it; a
// piece that warninglists shorten ends the page, and a page that is a
// whole number of pieces ends with a read without limit.
func TestRestSearchPieces(t *testing.T) {
	s, err := New(Options{MemoryLimitMB: 1}) // pieces of 50
	if err != nil {
		t.Fatal(err)
	}
	attrs := make([]Attribute, 130)
	for i := range attrs {
		attrs[i] = Attribute{Type: "ip-dst", Value: fmt.Sprintf("198.51.%d.%d", i/100, i%100+1)}
	}
	attrs[10].Value = "10.0.0.1"
	if _, err := s.AddEvent(Event{Info: "pieces", Published: true, Attributes: attrs}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddWarninglist(Warninglist{Name: "rfc1918", Type: "cidr", MatchingAttributes: []string{"ip-dst"}, List: []string{"10.0.0.0/8"}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, body              string
		returned                int
		count, skipped, firstID string
	}{
		{"a shortened piece ends the page", `{"limit":120,"page":1,"enforceWarninglist":1}`, 49, "50", "1", "1"},
		{"pieces of 50, 50 and 20", `{"limit":120,"page":1}`, 120, "121", "0", "1"},
		{"two whole pieces, then no limit", `{"limit":100,"page":1}`, 130, "131", "0", "1"},
		{"the page's offset", `{"limit":120,"page":2}`, 10, "10", "0", "121"},
		{"a page within one piece", `{"limit":50,"page":1,"enforceWarninglist":1}`, 49, "50", "1", "1"},
	}
	for _, c := range cases {
		body := `{"returnFormat":"json","type":"ip-dst","order":"Attribute.id",` + c.body[1:]
		rec := call(t, s, http.MethodPost, "/attributes/restSearch", body, nil)
		got := search(t, s, body)
		if len(got) != c.returned || len(got) > 0 && got[0].ID != c.firstID {
			t.Errorf("%s: %d attributes from id %v, want %d from %s", c.name, len(got), firstID(got), c.returned, c.firstID)
		}
		if n := rec.Header().Get("X-Result-Count"); n != c.count {
			t.Errorf("%s: X-Result-Count %q, want %q", c.name, n, c.count)
		}
		if n := rec.Header().Get("X-Skipped-Elements-Count"); n != c.skipped {
			t.Errorf("%s: X-Skipped-Elements-Count %q, want %q", c.name, n, c.skipped)
		}
	}
}

func firstID(got []gotAttr) string {
	if len(got) == 0 {
		return "none"
	}
	return got[0].ID
}

package mispsim

import (
	"net/http"
	"strings"
	"testing"
)

// A tag renamed with /tags/edit moves no timestamp and leaves the event
// published, yet the tags filter, the event index and every answer then
// know it by its new name only; /tags/search finds tags by name as MISP's
// restSearch does (case-insensitive LIKE).
func TestTagEditRenamesEverywhere(t *testing.T) {
	c := newClock(testNow)
	s := newWriteServer(t, c)
	post := func(path, body string) string {
		t.Helper()
		rec := call(t, s, http.MethodPost, path, body, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s %s: %d %s", path, body, rec.Code, rec.Body.String())
		}
		return rec.Body.String()
	}
	post("/events/add", `{"info":"e","published":true,"Tag":[{"name":"cratos:incident-classification=blok"}],
		"Attribute":[{"type":"ip-dst","value":"192.0.2.1","to_ids":true,"Tag":[{"name":"cratos:incident-classification=blok"}]}]}`)
	post("/events/add", `{"info":"other","Tag":[{"name":"cratos:incident-classification=block"}]}`)
	before := viewEvent(t, s, "1")
	c.add(60)

	if got := post("/tags/search", `{"tag":["CRATOS:incident-classification=bl%"]}`); !strings.Contains(got, `"id":"1","name":"cratos:incident-classification=blok"`) ||
		!strings.Contains(got, `"id":"2","name":"cratos:incident-classification=block"`) {
		t.Errorf("search by pattern: %s", got)
	}
	refused := []struct{ body, want string }{
		{`{"name":"Cratos:Incident-Classification=BLOCK"}`, `"Could not add the Tag. [name]: A similar name already exists."`},
		{`{"Tag":{"name":" "}}`, `"Could not add the Tag. [name]: This field is required."`},
	}
	for _, r := range refused {
		rec := call(t, s, http.MethodPost, "/tags/edit/1", r.body, nil)
		if rec.Code != http.StatusMethodNotAllowed || !strings.Contains(rec.Body.String(), r.want) {
			t.Errorf("edit %s: %d %s, want 405 %s", r.body, rec.Code, rec.Body.String(), r.want)
		}
	}
	if rec := call(t, s, http.MethodPost, "/tags/edit/9", `{"name":"x"}`, nil); rec.Code != http.StatusNotFound {
		t.Errorf("edit of an unknown tag: %d %s, want 404", rec.Code, rec.Body.String())
	}

	got := post("/tags/edit/1", `{"Tag":{"name":"cratos:incident-classification=hunt"}}`)
	if want := `{"Tag":{"id":"1","name":"cratos:incident-classification=hunt","colour":`; !strings.HasPrefix(got, want) {
		t.Errorf("edit answered %s, want it to start %s", got, want)
	}
	after := viewEvent(t, s, "1")
	if after.Timestamp != before.Timestamp || after.PublishTS != before.PublishTS || !after.Published ||
		after.Attribute[0].Timestamp != before.Attribute[0].Timestamp {
		t.Errorf("a rename moved the event from %+v to %+v", before, after)
	}
	if len(after.Tag) != 1 || after.Tag[0].Name != "cratos:incident-classification=hunt" {
		t.Errorf("event tags after the rename: %+v", after.Tag)
	}
	for body, want := range map[string]int{
		`{"tags":["cratos:incident-classification=blok"]}`: 0,
		`{"tags":["cratos:incident-classification=hunt"]}`: 1,
	} {
		attrs := search(t, s, body)
		if len(attrs) != want {
			t.Errorf("restSearch %s: %d attributes, want %d", body, len(attrs), want)
		}
		for _, a := range attrs {
			if len(a.Tag) != 1 || a.Tag[0].Name != "cratos:incident-classification=hunt" {
				t.Errorf("restSearch %s: attribute tags %+v", body, a.Tag)
			}
		}
	}
	index := post("/events/index", `{"eventid":[1]}`)
	if !strings.Contains(index, `"name":"cratos:incident-classification=hunt"`) || strings.Contains(index, "=blok") {
		t.Errorf("event index after the rename: %s", index)
	}
	if got := post("/tags/search/cratos:incident-classification=blok", ""); got != "[]" {
		t.Errorf("search by the old name: %s, want []", got)
	}
	if got := post("/tags/search", `{"tag":"1"}`); got != "[]" {
		t.Errorf("search by id, not strict: %s, want []", got)
	}
	if got := s.Counters().Paths; got["/tags/edit"] != 4 || got["/tags/search"] != 3 {
		t.Errorf("counted %v", got)
	}
}

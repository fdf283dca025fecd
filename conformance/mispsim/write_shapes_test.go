package mispsim

import (
	"fmt"
	"strings"
	"testing"
)

// TestWriteResponses checks each write endpoint's status and body, in
// order, against one server.
func TestWriteResponses(t *testing.T) {
	c := newClock(testNow)
	s := newWriteServer(t, c)
	if _, err := s.AddEvent(Event{ID: 7, UUID: "77777777-7777-4777-8777-777777777777", Info: "seed", Tags: []string{"tlp:amber", "x:y"},
		Attributes: []Attribute{{ID: 70, Type: "ip-src", Value: "203.0.113.7"}}}); err != nil {
		t.Fatal(err)
	}
	now := fmt.Sprint(testNow.Unix())
	u1 := hashUUID("attribute:71")
	attr71 := `{"id":"71","event_id":"7","object_id":"0","object_relation":null,"category":"Network activity","type":"domain","to_ids":true,"uuid":"` + u1 +
		`","timestamp":"` + now + `","distribution":"5","sharing_group_id":"0","comment":"","deleted":false,"disable_correlation":false,"first_seen":null,"last_seen":null,"value":"a.example"`
	cases := []struct {
		name, method, path, body string
		status                   int
		want                     string // exact body, or a prefix when it ends with "…"
	}{
		{"add attribute", "POST", "/attributes/add/7", `{"type":"domain","value":"a.example","Tag":[{"name":"x:y"}]}`, 200,
			`{"Attribute":` + attr71 + `},"AttributeTag":[{"attribute_id":"71","event_id":"7","tag_id":"2","local":false,"relationship_type":null,"Tag":{"id":"2","name":"x:y","colour":"` + tagColour("x:y") + `","numerical_value":null}}]}`},
		{"add similar attribute", "POST", "/attributes/add/7", `{"Attribute":{"type":"domain","value":"a.example"}}`, 403,
			`{"saved":false,"name":"Could not add Attribute","message":"Could not add Attribute","url":"/attributes/add","errors":{"value":["A similar attribute already exists for this event."]}}`},
		{"add attribute bad type", "POST", "/attributes/add/7", `{"type":"ip-dst","category":"Person","value":"1.1.1.1"}`, 403,
			`{"saved":false,"name":"Could not add Attribute","message":"Could not add Attribute","url":"/attributes/add","errors":{"type":["Options depend on the selected category."]}}`},
		{"add attribute empty value", "POST", "/attributes/add/7", `{"type":"url","value":"  "}`, 403,
			`{"saved":false,"name":"Could not add Attribute","message":"Could not add Attribute","url":"/attributes/add","errors":{"value":["Value cannot be empty."]}}`},
		{"add attributes, one bad", "POST", "/attributes/add/7", `[{"type":"url","value":"http://b.example/"},{"type":"domain|ip","value":"c.example"}]`, 200,
			`{"Attribute":[{"id":"72",…`},
		{"add attribute to unknown event", "POST", "/attributes/add/999", `{"type":"url","value":"http://b.example/"}`, 404,
			`{"name":"Invalid event","message":"Invalid event","url":"/attributes/add/999"}`},
		{"add attribute without event", "POST", "/attributes/add", `{}`, 405,
			`{"name":"No event ID set.","message":"No event ID set.","url":"/attributes/add"}`},
		{"add attribute bad JSON", "POST", "/attributes/add/7", `{"type":`, 405,
			`{"name":"` + invalidJSON + `","message":"` + invalidJSON + `","url":"/attributes/add/7"}`},
		{"edit attribute", "POST", "/attributes/edit/71", `{"comment":"c"}`, 200,
			`{"Attribute":` + strings.Replace(attr71, `"comment":""`, `"comment":"c"`, 1) + `,"Tag":[` + tagJSON(s, "x:y") + `]}}`},
		{"edit attribute by uuid", "POST", "/attributes/edit/" + u1, `{"comment":"d"}`, 200, `{"Attribute":{"id":"71",…`},
		{"edit unknown attribute", "POST", "/attributes/edit/999", `{}`, 404, `{"name":"Invalid attribute","message":"Invalid attribute","url":"/attributes/edit/999"}`},
		{"edit bad attribute id", "POST", "/attributes/edit/abc", `{}`, 404, `{"name":"Invalid attribute ID.","message":"Invalid attribute ID.","url":"/attributes/edit/abc"}`},
		{"delete attribute", "POST", "/attributes/delete/71", ``, 200, `{"message":"Attribute deleted."}`},
		{"delete attribute again", "POST", "/attributes/delete/71", ``, 404, `{"name":"Invalid attribute","message":"Invalid attribute","url":"/attributes/delete/71"}`},
		{"hard delete a deleted attribute", "POST", "/attributes/delete/71", `{"hard":1}`, 200, `{"message":"Attribute deleted."}`},
		{"delete with GET", "GET", "/attributes/delete/70", ``, 405, `{"name":"This function is only accessible via POST requests.",…`},
		{"edit unknown event", "POST", "/events/edit/999", `{"info":"x"}`, 404, `{"name":"Invalid event","message":"Invalid event","url":"/events/edit/999"}`},
		{"add event", "POST", "/events/add", `{"Event":{"info":"New","uuid":"88888888-8888-4888-8888-888888888888","distribution":"1","Tag":[{"name":"tlp:amber"}],"Attribute":[{"type":"md5","value":"0123456789abcdef0123456789abcdef","timestamp":"1700000000"}]}}`, 200,
			`{"Event":{"id":"8","orgc_id":"1","org_id":"1","date":"2026-09-01","threat_level_id":"4","info":"New","published":false,"uuid":"88888888-8888-4888-8888-888888888888","attribute_count":"1","analysis":"0","timestamp":"` + now + `","distribution":"1","proposal_email_lock":false,"locked":false,"publish_timestamp":"0",…`},
		{"add event with existing uuid", "POST", "/events/add", `{"info":"again","uuid":"88888888-8888-4888-8888-888888888888"}`, 404,
			`{"name":"Event already exists, if you would like to edit it, use the url in the location header.",…`},
		{"add published empty event", "POST", "/events/add", `{"info":"empty","published":true}`, 403,
			`{"saved":false,"name":"Could not add Event","message":"Could not add Event","url":"/events/add","errors":{"Event":"Received a published event that was empty. Event add process blocked."}}`},
		{"add event without info", "POST", "/events/add", `{"Event":{"Attribute":[]}}`, 403, `{"saved":false,"name":"Could not add Event",…`},
		{"publish", "POST", "/events/publish/8", ``, 200,
			`{"saved":true,"success":true,"name":"Event published without alerts","message":"Event published without alerts","url":"/events/publish/8","id":"8"}`},
		{"publish by uuid", "POST", "/events/publish/88888888-8888-4888-8888-888888888888", ``, 200, `{"saved":true,…`},
		{"publish unknown", "POST", "/events/publish/999", ``, 404, `{"name":"Invalid event.","message":"Invalid event.","url":"/events/publish/999"}`},
		{"unpublish", "POST", "/events/unpublish/8", ``, 200,
			`{"saved":true,"success":true,"name":"Event unpublished.","message":"Event unpublished.","url":"/events/unpublish/8","id":"8"}`},
		{"stale event edit", "POST", "/events/edit/8", `{"timestamp":"1"}`, 403,
			`{"saved":false,"name":"Could not edit Event","message":"Could not edit Event","url":"/events/edit/8","errors":"Event could not be saved: Event in the request not newer than the local copy.","id":"8"}`},
		{"add tag by name in body", "POST", "/events/addTag", `{"event":"8","tag":"x:y"}`, 200, `{"saved":true,"success":"Tag added.","check_publish":true}`},
		{"add tag already attached", "POST", "/events/addTag/8/2", ``, 200, `{"saved":false,"errors":"Tag is already attached to this event."}`},
		{"add tags by id list", "POST", "/events/addTag", `{"request":{"Event":{"id":"7","tag":["1","2","99"]}}}`, 200,
			`{"saved":false,"errors":"Tag is already attached to this event., Tag is already attached to this event., Tag not found."}`},
		{"add unknown tag", "POST", "/events/addTag/8/nope:nope", ``, 200, `{"saved":false,"errors":"Invalid Tag."}`},
		{"add tag to unknown event", "POST", "/events/addTag/999/1", ``, 200, `{"saved":false,"errors":"Invalid event."}`},
		{"remove tag", "POST", "/events/removeTag/8/X:Y", ``, 200, `{"saved":true,"success":"Tag removed.","check_publish":true}`},
		{"remove tag not attached", "POST", "/events/removeTag/8/2", ``, 200, `{"saved":false,"errors":"Invalid event - tag combination."}`},
		{"remove unknown tag", "POST", "/events/removeTag/8/nope", ``, 200, `{"saved":false,"errors":"Invalid Tag."}`},
		{"remove tag by event uuid", "POST", "/events/removeTag/88888888-8888-4888-8888-888888888888/1", ``, 200, `{"saved":false,"errors":"Invalid event - tag combination."}`},
		{"add attribute tag", "POST", "/attributes/addTag/70/x:y", ``, 200, `{"saved":true,"success":"Tag added.","check_publish":true}`},
		{"add attribute tag again", "POST", "/attributes/addTag", `{"attribute":"70","tag":"2"}`, 200, `{"saved":false,"errors":"Tag could not be added."}`},
		{"add attribute tags, one new", "POST", "/attributes/addTag/70", `{"tag":["1","2","99"]}`, 200, `{"saved":false,"errors":"2 tags could not be added. However, 1 tag was added."}`},
		{"add tag to unknown attribute", "POST", "/attributes/addTag/999/1", ``, 404, `{"name":"Invalid attribute","message":"Invalid attribute","url":"/attributes/addTag/999/1"}`},
		{"remove attribute tag", "POST", "/attributes/removeTag/70/x%25", ``, 200, `{"saved":true,"success":"Tag removed.","check_publish":true}`},
		{"remove attribute tag not attached", "POST", "/attributes/removeTag/70/2", ``, 200, `{"saved":false,"errors":"Invalid attribute - tag combination."}`},
		{"delete event with GET", "GET", "/events/delete/8", ``, 405, `{"name":"This function is only accessible via POST requests.",…`},
		{"delete event", "POST", "/events/delete/8", ``, 200,
			`{"saved":true,"success":true,"name":"Event deleted.","message":"Event deleted.","url":"/events/delete/8","id":"8"}`},
		{"delete event again", "POST", "/events/delete/8", ``, 403,
			`{"saved":false,"name":"Could not delete Event","message":"Could not delete Event","url":"/events/delete","errors":"Event was not deleted."}`},
		{"delete unknown event", "DELETE", "/events/delete/999", ``, 403,
			`{"saved":false,"name":"Could not delete Event","message":"Could not delete Event","url":"/events/delete","errors":"Event was not deleted."}`},
		{"view deleted event", "GET", "/events/view/8", ``, 404, `{"name":"Invalid event.","message":"Invalid event.","url":"/events/view/8"}`},
		{"edit deleted event", "POST", "/events/edit/88888888-8888-4888-8888-888888888888", `{"info":"x"}`, 404,
			`{"name":"Invalid event","message":"Invalid event","url":"/events/edit/88888888-8888-4888-8888-888888888888"}`},
		{"add attribute to deleted event", "POST", "/attributes/add/8", `{"type":"url","value":"http://d.example/"}`, 404,
			`{"name":"Invalid event","message":"Invalid event","url":"/attributes/add/8"}`},
		{"publish deleted event", "POST", "/events/publish/8", ``, 404, `{"name":"Invalid event.","message":"Invalid event.","url":"/events/publish/8"}`},
		{"add event with a deleted uuid", "POST", "/events/add", `{"info":"back","uuid":"88888888-8888-4888-8888-888888888888"}`, 403,
			`{"name":"Event blocked by event blocklist.","message":"Event blocked by event blocklist.","url":"/events/add"}`},
		{"add event to delete", "POST", "/events/add", `{"info":"Nine"}`, 200, `{"Event":{"id":"9",…`},
		{"delete events listed in the body", "POST", "/events/delete", `{"Event":{"id":"[\"9\",\"999\"]"}}`, 200,
			`{"saved":true,"success":true,"name":"1 event deleted.1 event(s) could not be deleted due to insufficient privileges or the event not being found.","message":"1 event deleted.1 event(s) could not be deleted due to insufficient privileges or the event not being found.","url":"/events/delete"}`},
		{"delete an empty list", "POST", "/events/delete", `{"id":[]}`, 404, `{"name":"Invalid input.","message":"Invalid input.","url":"/events/delete"}`},
		{"delete event by uuid", "DELETE", "/events/delete/77777777-7777-4777-8777-777777777777", ``, 200,
			`{"saved":true,"success":true,"name":"Event deleted.","message":"Event deleted.","url":"/events/delete/77777777-7777-4777-8777-777777777777","id":"77777777-7777-4777-8777-777777777777"}`},
		{"edit attribute of a deleted event", "POST", "/attributes/edit/70", `{"comment":"x"}`, 404,
			`{"name":"Invalid attribute","message":"Invalid attribute","url":"/attributes/edit/70"}`},
		{"wrong key", "POST", "/events/publish/8", ``, 403, `{"name":"` + authFailed + `",…`},
	}
	for _, tc := range cases {
		hdr := map[string]string{}
		if tc.name == "wrong key" {
			hdr["Authorization"] = "nope"
		}
		rec := call(t, s, tc.method, tc.path, tc.body, hdr)
		got := rec.Body.String()
		ok := got == tc.want
		if p, prefix := strings.CutSuffix(tc.want, "…"); prefix {
			ok = strings.HasPrefix(got, p)
		}
		if rec.Code != tc.status || !ok {
			t.Errorf("%s: %s %s: status %d, want %d\n got %s\nwant %s", tc.name, tc.method, tc.path, rec.Code, tc.status, got, tc.want)
		}
		if tc.name == "add event with existing uuid" && rec.Header().Get("Location") != "/events/8" {
			t.Errorf("Location %q", rec.Header().Get("Location"))
		}
	}
}

func tagJSON(s *Server, name string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return string(s.st.appendTag(nil, s.st.tagByLower[name]))
}

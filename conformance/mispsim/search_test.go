package mispsim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

const (
	circlUUID = "55f6ea5e-2c60-40e5-964f-47a8950d210f"
	esetUUID  = "55f6ea5e-51ac-4344-bc8c-4170950d210f"
	blockTag  = "cratos:incident-classification=block"
	incTag    = "cratos:incident-classification=incident"
	fpTag     = "cratos:incident-classification=false-positive"
)

// fixture builds a small exact data set:
//
//	event 1 (published, CIRCL, block):  101 ip-dst, 102 domain (attr tag fp), 103 url (not ids), 104 md5 (deleted)
//	event 2 (unpublished, ESET, incident): 201 ip-src (old), 202 domain|ip (attr tag block), 203 sha256 (not ids)
//	event 3 (published, CIRCL, fp): 301 ip-dst
func fixture(t testing.TB) *Server {
	t.Helper()
	now := testNow.Unix()
	const h, d = 3600, 86400
	return serverWith(t, []Event{
		{ID: 1, UUID: "11111111-1111-4111-8111-111111111111", Info: "Alpha", Published: true, OrgName: "CIRCL", OrgUUID: circlUUID,
			Tags: []string{"tlp:white", blockTag}, Attributes: []Attribute{
				{ID: 101, Type: "ip-dst", Value: "1.2.3.4", ToIDS: true, Timestamp: now - h},
				{ID: 102, Type: "domain", Value: "evil.example", ToIDS: true, Timestamp: now - 2*d, Tags: []string{fpTag}},
				{ID: 103, Type: "url", Value: "http://evil.example/x", Timestamp: now - 40*d},
				{ID: 104, Type: "md5", Value: "0123456789abcdef0123456789abcdef", ToIDS: true, Deleted: true, Timestamp: now - h},
			}},
		{ID: 2, UUID: "22222222-2222-4222-8222-222222222222", Info: "Bravo", OrgName: "ESET", OrgUUID: esetUUID,
			Tags: []string{"tlp:green", incTag}, Attributes: []Attribute{
				{ID: 201, UUID: "aaaaaaaa-2010-4000-8000-000000000201", Type: "ip-src", Value: "5.6.7.8", ToIDS: true, Timestamp: now - 400*d},
				{ID: 202, Type: "domain|ip", Value: "bad.example|9.9.9.9", ToIDS: true, Timestamp: now - 3*h, Tags: []string{blockTag}},
				{ID: 203, Type: "sha256", Value: strings.Repeat("ab", 32), Timestamp: now - 600},
			}},
		{ID: 3, UUID: "33333333-3333-4333-8333-333333333333", Info: "Charlie", Published: true, OrgName: "CIRCL", OrgUUID: circlUUID,
			Tags: []string{fpTag}, Attributes: []Attribute{
				{ID: 301, Type: "ip-dst", Value: "10.0.0.1", ToIDS: true, Timestamp: now - 5*h},
			}},
	})
}

func TestRestSearchFilters(t *testing.T) {
	s := fixture(t)
	sixHoursAgo := testNow.Unix() - 6*3600
	checkSearches(t, s, []searchCase{
		{"no filter excludes deleted", `{"returnFormat":"json"}`, "101,102,103,201,202,203,301"},
		{"type list", `{"type":["ip-dst","ip-src"]}`, "101,201,301"},
		{"type string", `{"type":"domain"}`, "102"},
		{"type case-insensitive", `{"type":["IP-DST"]}`, "101,301"},
		{"type negated", `{"type":"!ip-dst"}`, "102,103,201,202,203"},
		{"type OR/NOT object", `{"type":{"OR":["ip-dst","domain"],"NOT":["domain"]}}`, "101,301"},
		{"type like", `{"type":"ip-%"}`, "101,201,301"},
		{"unknown type", `{"type":["nope"]}`, ""},
		{"tag on event or attribute", `{"tags":["` + blockTag + `"]}`, "101,102,103,202"},
		{"tags OR'd", `{"tags":["` + blockTag + `","` + incTag + `"]}`, "101,102,103,201,202,203"},
		{"tags string with &&", `{"tags":"` + blockTag + `&&` + incTag + `"}`, "101,102,103,201,202,203"},
		{"negated attribute and event tag", `{"tags":["!` + fpTag + `"]}`, "101,103,201,202,203"},
		{"negated event tag", `{"tags":["!` + incTag + `"]}`, "101,102,103,301"},
		{"negation with positive", `{"tags":["!` + fpTag + `","` + blockTag + `"]}`, "101,103,202"},
		{"NOT object form", `{"tags":{"NOT":["` + fpTag + `"]}}`, "101,103,201,202,203"},
		{"AND tags", `{"tags":{"AND":["tlp:white","` + fpTag + `"]}}`, "102"},
		{"AND name naming two tags", `{"tags":{"AND":["tlp:%"]}}`, ""},
		{"AND names naming as many tags", `{"tags":{"AND":["tlp:%","nope:unknown"]}}`, ""},
		{"AND names and id", `{"tags":{"AND":["1","` + fpTag + `"]}}`, "102"},
		{"AND unknown id", `{"tags":{"AND":["999"]}}`, ""},
		{"wildcard and case", `{"tags":["CRATOS:%=BLOCK"]}`, "101,102,103,202"},
		{"wildcard everything", `{"tags":["%incident-classification%"]}`, "101,102,103,201,202,203,301"},
		{"underscore wildcard", `{"tags":["tlp:gree_"]}`, "201,202,203"},
		{"unknown positive tag", `{"tags":["nope:unknown"]}`, ""},
		{"unknown and known positive", `{"tags":["nope:unknown","` + incTag + `"]}`, "201,202,203"},
		{"unknown negative tag", `{"tags":["!nope:unknown"]}`, "101,102,103,201,202,203,301"},
		{"tag by id", `{"tags":["1"]}`, "101,102,103"},
		{"published true", `{"published":true}`, "101,102,103,301"},
		{"published 1 string", `{"published":"1"}`, "101,102,103,301"},
		{"published false is no filter", `{"published":false}`, "101,102,103,201,202,203,301"},
		{"published 0", `{"published":0}`, "201,202,203"},
		{"to_ids true", `{"to_ids":true}`, "101,102,201,202,301"},
		{"to_ids 1", `{"to_ids":1}`, "101,102,201,202,301"},
		{"to_ids \"1\"", `{"to_ids":"1"}`, "101,102,201,202,301"},
		{"to_ids 0", `{"to_ids":0}`, "103,203"},
		{"to_ids exclude", `{"to_ids":"exclude"}`, "103,203"},
		{"to_ids false is no filter", `{"to_ids":false}`, "101,102,103,201,202,203,301"},
		{"timestamp int", fmt.Sprintf(`{"timestamp":%d}`, sixHoursAgo), "101,202,203,301"},
		{"timestamp string", fmt.Sprintf(`{"timestamp":"%d"}`, sixHoursAgo), "101,202,203,301"},
		{"timestamp relative", `{"timestamp":"6h"}`, "101,202,203,301"},
		{"timestamp days", `{"timestamp":"30d"}`, "101,102,202,203,301"},
		{"timestamp range", fmt.Sprintf(`{"timestamp":[%d,%d]}`, sixHoursAgo, testNow.Unix()-3600), "101,202,301"},
		{"timestamp invalid", `{"timestamp":"soon"}`, ""},
		{"timestamp 0", `{"timestamp":0}`, "101,102,103,201,202,203,301"},
		{"org by name", `{"org":"CIRCL"}`, "101,102,103,301"},
		{"org name case", `{"org":"circl"}`, "101,102,103,301"},
		{"org by uuid", `{"org":"` + esetUUID + `"}`, "201,202,203"},
		{"org list", `{"org":["ESET","nope"]}`, "201,202,203"},
		{"org negated", `{"org":"!ESET"}`, "101,102,103,301"},
		{"unknown org", `{"org":"Nobody"}`, ""},
		{"deleted default", `{"type":"md5"}`, ""},
		{"deleted 1", `{"deleted":1}`, "104"},
		{"deleted only", `{"deleted":"only"}`, "104"},
		{"deleted both", `{"deleted":[0,1]}`, "101,102,103,104,201,202,203,301"},
		{"eventid", `{"eventid":2}`, "201,202,203"},
		{"eventid uuid", `{"eventid":"33333333-3333-4333-8333-333333333333"}`, "301"},
		{"eventid negated", `{"eventid":"!2"}`, "101,102,103,301"},
		{"eventid uuid or id", `{"eventid":["33333333-3333-4333-8333-333333333333",2]}`, "201,202,203,301"},
		{"eventid AND ids: one of them", `{"eventid":{"AND":[1,3]}}`, "101,102,103,301"},
		{"eventid AND uuid and id", `{"eventid":{"AND":["33333333-3333-4333-8333-333333333333",1]}}`, ""},
		{"eventid NOT uuid and id", `{"eventid":["!33333333-3333-4333-8333-333333333333","!1"]}`, "201,202,203"},
		{"uuid of attribute", `{"uuid":"aaaaaaaa-2010-4000-8000-000000000201"}`, "201"},
		{"uuid of event", `{"uuid":"33333333-3333-4333-8333-333333333333"}`, "301"},
		{"value exact", `{"value":"1.2.3.4"}`, "101"},
		{"value composite half", `{"value":"9.9.9.9"}`, "202"},
		{"value like", `{"value":"%evil.example%"}`, "102,103"},
		{"category", `{"category":"Network activity"}`, "101,102,103,201,202,301"},
		{"limit page 1", `{"limit":2,"page":1}`, "101,102"},
		{"limit page 2", `{"limit":2,"page":2}`, "103,201"},
		{"limit page 4", `{"limit":2,"page":4}`, "301"},
		{"limit past the end", `{"limit":2,"page":5}`, ""},
		{"limit without page", `{"limit":"3"}`, "101,102,103"},
		{"page without limit", `{"page":3}`, "101,102,103,201,202,203,301"},
		{"request wrapper", `{"request":{"type":"ip-dst"}}`, "101,301"},
		{"feed block ipv4", `{"returnFormat":"json","type":["ip-src","ip-dst","domain|ip","ip-dst|port","ip-src|port"],` +
			`"tags":["!` + fpTag + `","` + blockTag + `"],"withAttachments":0,"metadata":1,"timestamp":1700000000,` +
			`"published":true,"enforceWarninglist":1,"to_ids":true,"includeEventUuid":0}`, "101"},
		{"feed incident ipv4", `{"type":["ip-src","ip-dst","domain|ip"],"tags":["!` + fpTag + `","` + incTag + `"],` +
			`"published":false,"to_ids":true}`, "201,202"},
	})
}

// TestRestSearchShape checks the bytes of one attribute: key order, strings
// for ids and timestamps, booleans for flags, Event and Tag objects.
func TestRestSearchShape(t *testing.T) {
	s := fixture(t)
	rec := call(t, s, http.MethodPost, "/attributes/restSearch", `{"returnFormat":"json","value":"evil.example"}`, nil)
	ts := testNow.Unix() - 2*86400
	want := `{"response": {"Attribute": [{"id":"102","event_id":"1","object_id":"0","object_relation":null,` +
		`"category":"Network activity","type":"domain","to_ids":true,"uuid":"` + hashUUID("attribute:102") + `",` +
		fmt.Sprintf(`"timestamp":"%d",`, ts) +
		`"distribution":"5","sharing_group_id":"0","comment":"","deleted":false,"disable_correlation":false,` +
		`"first_seen":null,"last_seen":null,"value":"evil.example",` +
		`"Event":{"org_id":"1","distribution":"3","id":"1","info":"Alpha","orgc_id":"2","uuid":"11111111-1111-4111-8111-111111111111"},` +
		`"Tag":[{"id":"3","name":"` + fpTag + `","colour":"` + tagColour(fpTag) + `","numerical_value":null,"is_galaxy":false,"local":0}]}]}}` + "\n"
	if got := rec.Body.String(); got != want {
		t.Errorf("body\n got  %s\n want %s", got, want)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=UTF-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if n := rec.Header().Get("X-Result-Count"); n != "1" {
		t.Errorf("X-Result-Count %q", n)
	}

	empty := call(t, s, http.MethodPost, "/attributes/restSearch", `{"tags":["nope"]}`, nil)
	if got := empty.Body.String(); got != `{"response": {"Attribute": []}}`+"\n" {
		t.Errorf("empty result %q", got)
	}
	if cl := empty.Header().Get("Content-Length"); cl != fmt.Sprint(empty.Body.Len()) {
		t.Errorf("Content-Length %s, body %d bytes", cl, empty.Body.Len())
	}
}

func TestRestSearchErrors(t *testing.T) {
	s := fixture(t)
	cases := []struct {
		name, method, body string
		status             int
		message            string
	}{
		{"not JSON", http.MethodPost, `type=ip-dst`, 405, "Invalid JSON input. Make sure that the JSON input is a correctly formatted JSON string. This request has been blocked to avoid an unfiltered request."},
		{"truncated JSON", http.MethodPost, `{"type":`, 405, "Invalid JSON input. Make sure that the JSON input is a correctly formatted JSON string. This request has been blocked to avoid an unfiltered request."},
		{"empty body", http.MethodPost, ``, 400, "Either specify the search terms in the url, or POST a json with the filter parameters."},
		{"empty object", http.MethodPost, `{}`, 400, "Either specify the search terms in the url, or POST a json with the filter parameters."},
		{"GET without parameters", http.MethodGet, ``, 400, "Restsearch queries using GET and no parameters are not allowed. If you have passed parameters via a JSON body, make sure you use POST requests."},
		{"unknown format", http.MethodPost, `{"returnFormat":"stix9"}`, 404, "Invalid output format."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := call(t, s, tc.method, "/attributes/restSearch", tc.body, nil)
			want := fmt.Sprintf(`{"name":%q,"message":%q,"url":"/attributes/restSearch"}`, tc.message, tc.message)
			if rec.Code != tc.status || rec.Body.String() != want {
				t.Errorf("got %d %s\nwant %d %s", rec.Code, rec.Body.String(), tc.status, want)
			}
		})
	}
}

func TestAddEventValidation(t *testing.T) {
	s := fixture(t)
	cases := []struct {
		name string
		ev   Event
	}{
		{"duplicate event id", Event{ID: 1}},
		{"duplicate event uuid", Event{UUID: "11111111-1111-4111-8111-111111111111"}},
		{"attribute without type", Event{Attributes: []Attribute{{Value: "x"}}}},
		{"duplicate attribute id", Event{Attributes: []Attribute{{ID: 101, Type: "text"}}}},
		{"duplicate attribute id in event", Event{Attributes: []Attribute{{ID: 900, Type: "text"}, {ID: 900, Type: "text"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.AddEvent(tc.ev); err == nil {
				t.Error("AddEvent accepted invalid data")
			}
		})
	}
	// Ids out of order are served in id order; auto ids continue after the largest.
	id, err := s.AddEvent(Event{Attributes: []Attribute{{ID: 150, Type: "text", Value: "a"}, {Type: "text", Value: "b"}}})
	if err != nil || id != 4 {
		t.Fatalf("AddEvent = %d, %v", id, err)
	}
	if got := ids(search(t, s, `{"type":"text"}`)); got != "150,302" {
		t.Errorf("text attributes %q", got)
	}
	if got := ids(search(t, s, `{"limit":3,"page":2}`)); got != "150,201,202" {
		t.Errorf("page 2 %q", got)
	}
}

// TestRestSearchResultCount checks X-Result-Count as MISP's
// __iteratedFetch computes it: the rows the page read, warninglisted ones
// included, plus one when a paged search returns a full page after
// warninglists, or nothing at all.
func TestRestSearchResultCount(t *testing.T) {
	s := fixture(t)
	if _, err := s.AddWarninglist(Warninglist{Name: "rfc1918", Type: "cidr", MatchingAttributes: []string{"ip-dst"}, List: []string{"10.0.0.0/8"}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, body, count, skipped string }{
		{"full page", `{"type":"ip-dst","limit":2,"page":1}`, "3", "0"},
		{"short page", `{"type":"ip-dst","limit":3,"page":1}`, "2", "0"},
		{"empty page", `{"type":"ip-dst","limit":2,"page":2}`, "1", "0"},
		{"nothing matches", `{"type":"nope","limit":2,"page":1}`, "1", "0"},
		{"unpaged", `{"type":"ip-dst"}`, "2", "0"},
		{"unpaged, nothing", `{"type":"nope"}`, "0", "0"},
		{"full page shortened by a warninglist", `{"type":"ip-dst","enforceWarninglist":1,"limit":2,"page":1}`, "2", "1"},
		{"page emptied by a warninglist", `{"type":"ip-dst","enforceWarninglist":1,"limit":1,"page":2}`, "2", "1"},
		{"short page emptied by a warninglist", `{"value":"10.0.0.1","enforceWarninglist":1,"limit":2,"page":1}`, "2", "1"},
		{"full page kept whole", `{"type":"ip-dst","enforceWarninglist":1,"limit":1,"page":1}`, "2", "0"},
	}
	for _, c := range cases {
		rec := call(t, s, http.MethodPost, "/attributes/restSearch", c.body, nil)
		if got := rec.Header().Get("X-Result-Count"); got != c.count {
			t.Errorf("%s: X-Result-Count %q, want %q", c.name, got, c.count)
		}
		if got := rec.Header().Get("X-Skipped-Elements-Count"); got != c.skipped {
			t.Errorf("%s: X-Skipped-Elements-Count %q, want %q", c.name, got, c.skipped)
		}
	}
}

package mispsim

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sync"
	"testing"
)

func getStats(t testing.TB, s *Server, method, path string) (int, Counters) {
	t.Helper()
	rec := call(t, s, method, path, "", nil)
	var c Counters
	if rec.Code == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), &c); err != nil {
			t.Fatalf("%s: %v: %s", path, err, rec.Body.String())
		}
	}
	return rec.Code, c
}

func TestStatsCounts(t *testing.T) {
	s := timesFixture(t)
	if _, err := s.AddWarninglist(Warninglist{Name: "Doc", Type: "cidr", List: []string{"192.0.2.0/24"}}); err != nil {
		t.Fatal(err)
	}
	reqs := []struct{ method, path, body string }{
		{"POST", "/attributes/restSearch", `{"returnFormat":"json"}`},                   // 4 attributes
		{"POST", "/attributes/restSearch.json", `{"deleted":[0,1],"limit":3,"page":2}`}, // 3
		{"POST", "/attributes/restsearch", `{"enforceWarninglist":1}`},                  // 4 minus 2 on the list
		{"POST", "/attributes/restSearch", `{"tags":"nope:nope"}`},                      // 0
		{"POST", "/attributes/restSearch", ``},                                          // 400, 0
		{"POST", "/attributes/add/1", `{"type":"url","value":"http://n.example/"}`},
		{"POST", "/attributes/edit/11", `{"comment":"c"}`},
		{"POST", "/attributes/edit/11", `{"comment":"d"}`},
		{"POST", "/events/publish/2", ``},
		{"GET", "/events/view/2", ``},
		{"GET", "/servers/getVersion.json", ``},
		{"GET", "/no/such/path", ``},
	}
	for _, r := range reqs {
		call(t, s, r.method, r.path, r.body, nil)
	}
	call(t, s, "POST", "/attributes/restSearch", `{}`, map[string]string{"Authorization": "wrong"}) // refused, still counted
	want := Counters{RestSearchRequests: 6, AttributesReturned: 4 + 3 + 2, Requests: 13, Paths: map[string]int64{
		"/attributes/restSearch": 6, "/attributes/add": 1, "/attributes/edit": 2, "/events/publish": 1,
		"/events/view": 1, "/servers/getVersion": 1, "other": 1,
	}}
	code, got := getStats(t, s, "GET", "/mispsim/stats")
	if code != http.StatusOK || !reflect.DeepEqual(got, want) {
		t.Fatalf("stats %d: %+v, want %+v", code, got, want)
	}
	if got := s.Counters(); !reflect.DeepEqual(got, want) {
		t.Errorf("Counters(): %+v", got)
	}
	// Reading the stats is not counted; a reset answers what it cleared.
	if code, got := getStats(t, s, "POST", "/mispsim/stats/reset"); code != http.StatusOK || !reflect.DeepEqual(got, want) {
		t.Errorf("reset %d: %+v", code, got)
	}
	zero := Counters{Paths: map[string]int64{}}
	if _, got := getStats(t, s, "GET", "/mispsim/stats.json"); !reflect.DeepEqual(got, zero) {
		t.Errorf("after reset: %+v", got)
	}
	if rec := call(t, s, "GET", "/mispsim/stats", "", map[string]string{"Authorization": "wrong"}); rec.Code != http.StatusForbidden {
		t.Errorf("stats without key: %d", rec.Code)
	}
	if code, _ := getStats(t, s, "GET", "/mispsim/stats/reset"); code != http.StatusMethodNotAllowed {
		t.Errorf("GET reset: %d", code)
	}
	// The raw body has the documented field names.
	rec := call(t, s, "GET", "/mispsim/stats", "", nil)
	if rec.Body.String() != `{"restsearch_requests":0,"attributes_returned":0,"requests":0,"paths":{}}` {
		t.Errorf("body %s", rec.Body.String())
	}
	// Faults do not touch the stats endpoint.
	s.SetFault(Fault{Kind: FaultStatus, Status: 500})
	if code, _ := getStats(t, s, "GET", "/mispsim/stats"); code != http.StatusOK {
		t.Errorf("stats under a fault: %d", code)
	}
	s.SetFault(Fault{})
}

func TestStatsConcurrent(t *testing.T) {
	s := timesFixture(t)
	const workers, each = 4, 50
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				call(t, s, "POST", "/attributes/restSearch", `{"eventid":1}`, nil) // 11, 13
			}
		}()
	}
	wg.Wait()
	c := s.Counters()
	if c.RestSearchRequests != workers*each || c.AttributesReturned != 2*workers*each || c.Paths["/attributes/restSearch"] != workers*each {
		t.Errorf("%+v", c)
	}
}

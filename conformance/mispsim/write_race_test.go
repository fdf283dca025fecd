package mispsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
)

// TestWritesWithConcurrentSearches runs writers against restSearch readers
// (run it with -race): every page must stay valid JSON of the announced
// length, and the final state must hold every write.
func TestWritesWithConcurrentSearches(t *testing.T) {
	s, err := New(Options{Now: fixedNow, Generate: 3000, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddWarninglist(Warninglist{Name: "Doc", Type: "cidr", List: []string{"192.0.2.0/24"}}); err != nil {
		t.Fatal(err)
	}
	const writers, perWriter = 3, 40
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	done := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev := strconv.Itoa(w + 1)
			for k := range perWriter {
				var path, body string
				switch k % 5 {
				case 0, 1:
					path, body = "/attributes/add/"+ev, fmt.Sprintf(`{"type":"ip-dst","value":"192.0.2.%d","comment":"w%d"}`, k, w)
				case 2:
					path, body = "/attributes/edit/"+strconv.Itoa(w*1000+k+1), `{"to_ids":true,"comment":"edited"}`
				case 3:
					path = "/attributes/delete/" + strconv.Itoa(w*1000+k+2)
				case 4:
					path = "/events/publish/" + ev
				}
				rec := call(t, s, http.MethodPost, path, body, nil)
				if rec.Code != http.StatusOK && rec.Code != http.StatusNotFound {
					errs <- fmt.Sprintf("%s: %d %s", path, rec.Code, rec.Body.String())
				}
			}
		}()
	}
	var readers sync.WaitGroup
	for r := range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			bodies := []string{`{"deleted":[0,1],"limit":500,"page":2}`, `{"includeEventTags":1,"eventid":[1,2,3]}`, `{"enforceWarninglist":1,"timestamp":"1d"}`}
			for k := 0; ; k++ {
				select {
				case <-done:
					return
				default:
				}
				rec := call(t, s, http.MethodPost, "/attributes/restSearch", bodies[(k+r)%len(bodies)], nil)
				var doc struct {
					Response struct{ Attribute []json.RawMessage } `json:"response"`
				}
				if rec.Header().Get("Content-Length") != strconv.Itoa(rec.Body.Len()) || json.Unmarshal(rec.Body.Bytes(), &doc) != nil {
					errs <- fmt.Sprintf("bad page: Content-Length %s, %d bytes", rec.Header().Get("Content-Length"), rec.Body.Len())
					return
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	readers.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	found := map[string]bool{}
	for _, a := range search(t, s, `{"type":"ip-dst","value":"192.0.2.%","eventid":[1,2,3]}`) {
		found[a.Event.ID+" "+a.Value] = true
	}
	for w := range writers {
		for k := range perWriter {
			if k%5 < 2 && !found[fmt.Sprintf("%d 192.0.2.%d", w+1, k)] {
				t.Errorf("event %d lacks added attribute 192.0.2.%d", w+1, k)
			}
		}
	}
}

package mispsim

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAuth(t *testing.T) {
	s := fixture(t)
	msg := "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header."
	for _, tc := range []struct{ name, key, path string }{
		{"missing", "", "/servers/getVersion.json"},
		{"wrong", "0000000000000000000000000000000000000000", "/attributes/restSearch"},
		{"prefix of the key", DefaultKey[:39], "/users/view/me"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := call(t, s, http.MethodPost, tc.path, `{"type":"ip-dst"}`, map[string]string{"Authorization": tc.key})
			want := `{"name":"` + msg + `","message":"` + msg + `","url":"` + tc.path + `"}`
			if rec.Code != http.StatusForbidden || rec.Body.String() != want {
				t.Errorf("got %d %s", rec.Code, rec.Body.String())
			}
		})
	}
	custom, err := New(Options{Key: "k3y"})
	if err != nil {
		t.Fatal(err)
	}
	if rec := call(t, custom, http.MethodGet, "/servers/getVersion", "", map[string]string{"Authorization": "k3y"}); rec.Code != 200 {
		t.Errorf("custom key: %d", rec.Code)
	}
	if rec := call(t, custom, http.MethodGet, "/servers/getVersion", "", nil); rec.Code != 403 {
		t.Errorf("default key accepted by a server with a custom key: %d", rec.Code)
	}
}

func decode(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("decode: %v: %s", err, rec.Body.String())
	}
}

func TestEndpoints(t *testing.T) {
	s := fixture(t)
	t.Run("getVersion", func(t *testing.T) {
		for _, p := range []string{"/servers/getVersion", "/servers/getVersion.json"} {
			var v map[string]any
			decode(t, call(t, s, http.MethodGet, p, "", nil), &v)
			for _, k := range []string{"version", "pymisp_recommended_version", "perm_sync", "perm_sighting", "perm_galaxy_editor", "perm_analyst_data", "uuid", "request_encoding", "filter_sightings"} {
				if _, ok := v[k]; !ok {
					t.Errorf("%s: no %s", p, k)
				}
			}
			if ver, _ := v["version"].(string); !strings.HasPrefix(ver, "2.5.") {
				t.Errorf("version %q", ver)
			}
		}
	})
	t.Run("users/view/me", func(t *testing.T) {
		for _, p := range []string{"/users/view/me", "/users/view/me.json"} {
			rec := call(t, s, http.MethodGet, p, "", nil)
			var v struct {
				User        map[string]any `json:"User"`
				Role        map[string]any `json:"Role"`
				UserSetting []any          `json:"UserSetting"`
			}
			decode(t, rec, &v)
			if v.User["id"] != "1" || v.Role["perm_auth"] != true || v.UserSetting == nil || !strings.Contains(rec.Body.String(), `"UserSetting":[]`) {
				t.Errorf("%s: %s", p, rec.Body.String())
			}
		}
	})
	t.Run("describeTypes", func(t *testing.T) {
		var v struct {
			Result struct {
				Types        []string                  `json:"types"`
				Categories   []string                  `json:"categories"`
				Mappings     map[string][]string       `json:"category_type_mappings"`
				SaneDefaults map[string]map[string]any `json:"sane_defaults"`
			} `json:"result"`
		}
		s.AddEvent(Event{Attributes: []Attribute{{Type: "exotic-type", Value: "x"}}})
		decode(t, call(t, s, http.MethodGet, "/attributes/describeTypes.json", "", nil), &v)
		r := v.Result
		for _, typ := range []string{"ip-dst", "domain|ip", "ja3-fingerprint-md5", "exotic-type"} {
			if !slices.Contains(r.Types, typ) || r.SaneDefaults[typ] == nil {
				t.Errorf("type %s missing", typ)
			}
		}
		if len(r.Categories) != 16 || !slices.Contains(r.Mappings["Network activity"], "ip-dst") || !slices.Contains(r.Mappings["Other"], "exotic-type") {
			t.Errorf("categories %v", r.Categories)
		}
		if r.SaneDefaults["ip-dst"]["default_category"] != "Network activity" || r.SaneDefaults["ip-dst"]["to_ids"] != float64(1) {
			t.Errorf("sane default of ip-dst %v", r.SaneDefaults["ip-dst"])
		}
	})
	t.Run("attributeStatistics", func(t *testing.T) {
		rec := call(t, s, http.MethodGet, "/attributes/attributeStatistics", "", nil)
		want := `{"domain":"1","domain|ip":"1","exotic-type":"1","ip-dst":"2","ip-src":"1","md5":"1","sha256":"1","url":"1"}`
		if rec.Body.String() != want {
			t.Errorf("got %s\nwant %s", rec.Body.String(), want)
		}
		rec = call(t, s, http.MethodGet, "/attributes/attributeStatistics/category/1", "", nil)
		if !strings.Contains(rec.Body.String(), `"Network activity":"66.667%"`) {
			t.Errorf("percentages %s", rec.Body.String())
		}
		empty, _ := New(Options{})
		if got := call(t, empty, http.MethodGet, "/attributes/attributeStatistics", "", nil).Body.String(); got != "[]" {
			t.Errorf("empty MISP: %s", got)
		}
	})
	t.Run("unknown route", func(t *testing.T) {
		rec := call(t, s, http.MethodGet, "/events/nothing", "", nil)
		if rec.Code != 404 || rec.Body.String() != `{"name":"Not Found","message":"Not Found","url":"/events/nothing"}` {
			t.Errorf("got %d %s", rec.Code, rec.Body.String())
		}
	})
}

func TestWarninglistEndpoints(t *testing.T) {
	s, _ := New(Options{})
	if _, err := s.AddWarninglist(Warninglist{Name: "Private", Description: "d", Type: "cidr", Version: 7,
		MatchingAttributes: []string{"ip-src", "ip-dst"}, List: []string{"10.0.0.0/8", "", "192.168.0.0/16"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddWarninglist(Warninglist{Name: "Hosts", Type: "hostname", List: []string{"example.com"}, Comments: []string{"why"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddWarninglist(Warninglist{Name: "Bad", Type: "fuzzy"}); err == nil {
		t.Error("unknown kind accepted")
	}
	rec := call(t, s, http.MethodGet, "/warninglists/index", "", nil)
	want := `{"Warninglists":[{"Warninglist":{"id":"2","name":"Hosts","type":"hostname","description":"","version":"1","enabled":true,"default":true,"category":"false_positive","warninglist_entry_count":"1","valid_attributes":"ALL"}},` +
		`{"Warninglist":{"id":"1","name":"Private","type":"cidr","description":"d","version":"7","enabled":true,"default":true,"category":"false_positive","warninglist_entry_count":"2","valid_attributes":"ip-src, ip-dst"}}]}`
	if rec.Body.String() != want {
		t.Errorf("index\n got  %s\n want %s", rec.Body.String(), want)
	}
	rec = call(t, s, http.MethodGet, "/warninglists/view/2.json", "", nil)
	want = `{"Warninglist":{"id":"2","name":"Hosts","type":"hostname","description":"","version":"1","enabled":true,"default":true,"category":"false_positive",` +
		`"WarninglistEntry":[{"id":"3","value":"example.com","warninglist_id":"2","comment":"why"}],"WarninglistType":[{"id":"3","type":"ALL","warninglist_id":"2"}]}}`
	if rec.Body.String() != want {
		t.Errorf("view\n got  %s\n want %s", rec.Body.String(), want)
	}
	for path, msg := range map[string]string{"/warninglists/view/9": "Warninglist not found.", "/warninglists/view/abc": "Invalid ID."} {
		rec := call(t, s, http.MethodGet, path, "", nil)
		if rec.Code != 404 || rec.Body.String() != `{"name":"`+msg+`","message":"`+msg+`","url":"`+path+`"}` {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
	}
}

func TestGzip(t *testing.T) {
	for _, enabled := range []bool{false, true} {
		s, _ := New(Options{Gzip: enabled, Now: fixedNow})
		s.AddEvent(Event{Attributes: []Attribute{{Type: "ip-dst", Value: "192.0.2.1"}}})
		rec := call(t, s, http.MethodPost, "/attributes/restSearch", `{"type":"ip-dst"}`, map[string]string{"Accept-Encoding": "gzip, deflate"})
		body := rec.Body.Bytes()
		if enabled {
			if rec.Header().Get("Content-Encoding") != "gzip" {
				t.Fatalf("gzip on: Content-Encoding %q", rec.Header().Get("Content-Encoding"))
			}
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		} else if rec.Header().Get("Content-Encoding") != "" {
			t.Fatal("gzip off: response compressed")
		}
		if !bytes.Contains(body, []byte(`"value":"192.0.2.1"`)) {
			t.Errorf("gzip=%v: body %q", enabled, body)
		}
	}
	s, _ := New(Options{Gzip: true})
	if rec := call(t, s, http.MethodGet, "/servers/getVersion", "", map[string]string{"Accept-Encoding": "gzip;q=0"}); rec.Header().Get("Content-Encoding") != "" {
		t.Error("compressed for a client that refuses gzip")
	}
}

func TestRequestLog(t *testing.T) {
	s := fixture(t)
	body := `{"returnFormat":"json","type":"ip-dst"}`
	call(t, s, http.MethodGet, "/servers/getVersion", "", map[string]string{"User-Agent": "PyMISP 2.5.34.1 - Python 3.11"})
	call(t, s, http.MethodPost, "/attributes/restSearch", body, map[string]string{"Accept-Encoding": "gzip, deflate"})
	call(t, s, http.MethodPost, "/attributes/restSearch", body, map[string]string{"Authorization": "bad"})
	if n := s.RestSearchCount(); n != 2 {
		t.Errorf("RestSearchCount %d", n)
	}
	reqs := s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[1]
	if r.Method != "POST" || r.Path != "/attributes/restSearch" || string(r.Body) != body ||
		r.Header.Get("Authorization") != DefaultKey || r.Header.Get("Accept-Encoding") != "gzip, deflate" ||
		r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("recorded %+v", r)
	}
	if reqs[0].Header.Get("User-Agent") != "PyMISP 2.5.34.1 - Python 3.11" {
		t.Errorf("User-Agent %q", reqs[0].Header.Get("User-Agent"))
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 || s.RestSearchCount() != 0 {
		t.Error("ResetRequests left data")
	}
}

// TestFaults runs each fault against a real loopback server.
func TestFaults(t *testing.T) {
	s := fixture(t)
	url := serve(t, s)
	client := &http.Client{Timeout: 5 * time.Second}
	do := func(path, body string) (*http.Response, []byte, error) {
		method := http.MethodGet
		if body != "" {
			method = http.MethodPost
		}
		req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
		req.Header.Set("Authorization", DefaultKey)
		resp, err := client.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp, b, err
	}
	const search = `{"returnFormat":"json"}`

	t.Run("none", func(t *testing.T) {
		s.SetFault(Fault{})
		if resp, _, err := do("/attributes/restSearch", search); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%v %v", resp, err)
		}
	})
	t.Run("slow", func(t *testing.T) {
		s.SetFault(Fault{Kind: FaultSlow, Delay: 300 * time.Millisecond})
		start := time.Now()
		resp, _, err := do("/attributes/restSearch", search)
		if err != nil || resp.StatusCode != 200 || time.Since(start) < 300*time.Millisecond {
			t.Errorf("slow answer: %v %v after %v", resp, err, time.Since(start))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/attributes/restSearch", strings.NewReader(search))
		req.Header.Set("Authorization", DefaultKey)
		if _, err := client.Do(req); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("client timeout: %v", err)
		}
	})
	t.Run("slow until released", func(t *testing.T) {
		release := make(chan struct{})
		s.SetFault(Fault{Kind: FaultSlow, Delay: time.Hour, Release: release})
		answered := make(chan int, 1)
		go func() {
			resp, _, err := do("/attributes/restSearch", search)
			if err != nil {
				answered <- 0
				return
			}
			answered <- resp.StatusCode
		}()
		select {
		case code := <-answered:
			t.Fatalf("answered %d before the release", code)
		case <-time.After(200 * time.Millisecond):
		}
		close(release)
		if code := <-answered; code != 200 {
			t.Errorf("after the release: %d, want 200", code)
		}
	})
	t.Run("status", func(t *testing.T) {
		s.SetFault(Fault{Kind: FaultStatus, Status: 503})
		resp, body, err := do("/attributes/restSearch", search)
		want := `{"name":"An Internal Error Has Occurred.","message":"An Internal Error Has Occurred.","url":"/attributes/restSearch"}`
		if err != nil || resp.StatusCode != 503 || string(body) != want {
			t.Errorf("%v %s %v", resp, body, err)
		}
	})
	t.Run("html", func(t *testing.T) {
		s.SetFault(Fault{Kind: FaultHTML})
		resp, body, err := do("/servers/getVersion.json", "")
		if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !bytes.Contains(body, []byte("<form")) {
			t.Errorf("%v %s %v", resp, body, err)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		s.SetFault(Fault{Kind: FaultTruncated})
		resp, body, err := do("/attributes/restSearch", search)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("read error %v", err)
		}
		if resp == nil || resp.StatusCode != 200 || !bytes.HasPrefix(body, []byte(`{"response": {"Attribute": [{"id":"101"`)) || json.Valid(body) {
			t.Errorf("body %q", body)
		}
		s.SetFault(Fault{Kind: FaultTruncated, After: 10})
		_, body, _ = do("/attributes/restSearch", search)
		if string(body) != `{"response` {
			t.Errorf("After 10: %q", body)
		}
	})
	t.Run("reset", func(t *testing.T) {
		s.SetFault(Fault{Kind: FaultReset})
		if _, _, err := do("/attributes/restSearch", search); err == nil {
			t.Error("no error on a reset connection")
		}
	})
	t.Run("restSearch only, limited times", func(t *testing.T) {
		s.SetFault(Fault{Kind: FaultStatus, Status: 500, RestSearchOnly: true, Times: 1})
		if resp, _, err := do("/servers/getVersion", ""); err != nil || resp.StatusCode != 200 {
			t.Errorf("getVersion under a restSearch fault: %v %v", resp, err)
		}
		if resp, _, _ := do("/attributes/restSearch", search); resp.StatusCode != 500 {
			t.Errorf("first restSearch: %d", resp.StatusCode)
		}
		if resp, _, _ := do("/attributes/restSearch", search); resp.StatusCode != 200 {
			t.Errorf("second restSearch: %d", resp.StatusCode)
		}
	})
	if s.RestSearchCount() < 8 {
		t.Errorf("RestSearchCount %d", s.RestSearchCount())
	}
}

// TestConcurrentUse searches while events are added (run with -race).
func TestConcurrentUse(t *testing.T) {
	s, err := New(Options{Generate: 3000, Seed: 1, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 20 {
			// Low explicit ids force the store to re-sort.
			if _, err := s.AddEvent(Event{Attributes: []Attribute{{ID: int64(100000 + i), Type: "ip-dst", Value: "192.0.2.9"}, {ID: int64(4000 + i), Type: "text"}}}); err != nil {
				t.Error(err)
			}
		}
	}()
	for range 20 {
		search(t, s, `{"type":"ip-dst","enforceWarninglist":1,"limit":500,"page":2}`)
	}
	<-done
	if got := ids(search(t, s, `{"value":"192.0.2.9"}`)); !strings.HasPrefix(got, "100000,100001") {
		t.Errorf("added attributes %q", got)
	}
}

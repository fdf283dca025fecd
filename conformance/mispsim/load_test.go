package mispsim

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A small event written for these tests, with one plain attribute, one
// object holding two attributes, a proposal and tags.
const testEventBody = `{
  "uuid": "%s", "info": "Wrapper %s", "published": %s, "timestamp": "1600000000",
  "Orgc": {"name": "Test Org", "uuid": "0b7e2a6c-8d0e-4a39-b2a1-7d4c2b1e9f00"},
  "Tag": [{"name": "tlp:white", "colour": "#ffffff"}],
  "Attribute": [
    {"type": "ip-dst", "category": "Network activity", "value": "198.51.100.%d", "to_ids": true,
     "uuid": "%s", "timestamp": "1600000000",
     "Tag": [{"name": "wrapper:attribute-tag"}],
     "ShadowAttribute": [{"type": "ip-dst", "value": "198.51.100.250", "to_ids": true}]}
  ],
  "Object": [{"name": "domain-ip", "id": "77", "Attribute": [
    {"type": "domain", "category": "Network activity", "value": "wrapper-%d.example", "to_ids": "1",
     "object_relation": "domain", "timestamp": 1599990000, "deleted": "0"},
    {"type": "ip-dst", "category": "Network activity", "value": "198.51.100.%d", "to_ids": false,
     "object_relation": "ip", "timestamp": 1599990000}
  ]}],
  "ShadowAttribute": [{"type": "text", "value": "a proposal"}]
}`

func testEvent(n int, published bool) string {
	return fmt.Sprintf(testEventBody,
		fmt.Sprintf("0b7e2a6c-0000-4000-8000-00000000000%d", n), fmt.Sprint(n), fmt.Sprint(published), n,
		fmt.Sprintf("0b7e2a6c-1111-4000-8000-00000000000%d", n), n, n+100)
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadWrappers(t *testing.T) {
	cases := []struct {
		name, body string
		events     int
	}{
		{"Event wrapper", `{"Event": ` + testEvent(1, true) + `}`, 1},
		{"response wrapper", `{"response": [{"Event": ` + testEvent(2, false) + `}, {"Event": ` + testEvent(3, true) + `}]}`, 2},
		{"bare event", testEvent(4, false), 1},
		{"not an event", `{"name": "some list", "list": ["a"]}`, 0},
		{"a JSON array", `[1, 2, 3]`, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"event.json": tc.body, "README.md": "# not JSON"})
			s, err := New(Options{DataDir: dir, Now: fixedNow})
			if err != nil {
				t.Fatal(err)
			}
			st := s.Stats()
			if st.Events != tc.events || st.Attributes != 3*tc.events {
				t.Fatalf("stats %+v, want %d events with 3 attributes each", st, tc.events)
			}
			if tc.events == 0 {
				return
			}
			attrs := search(t, s, `{"returnFormat":"json"}`)
			a := attrs[0]
			if a.Type != "ip-dst" || len(a.Tag) != 1 || a.Tag[0].Name != "wrapper:attribute-tag" {
				t.Errorf("first attribute %+v", a)
			}
			rec := call(t, s, "POST", "/attributes/restSearch", `{"type":"domain"}`, nil)
			body := rec.Body.String()
			if !strings.Contains(body, `"object_relation":"domain"`) || strings.Contains(body, `"object_id":"0"`) {
				t.Errorf("object attribute: %s", body)
			}
			if got := ids(search(t, s, `{"tags":["wrapper:attribute-tag"]}`)); strings.Count(got, ",") != tc.events-1 {
				t.Errorf("attribute tag matches %q", got)
			}
			if got := search(t, s, `{"org":"Test Org","to_ids":1}`); len(got) != 2*tc.events {
				t.Errorf("to_ids from mixed encodings: %d", len(got))
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{"good.json": `{"Event": ` + testEvent(1, true) + `}`, "broken.json": `{"Event": {"info": `})
	_, err := New(Options{DataDir: dir})
	if err == nil || !strings.Contains(err.Error(), "broken.json") {
		t.Errorf("malformed file: err = %v, want one naming broken.json", err)
	}
	dir = writeFiles(t, map[string]string{"warninglists/bad.json": `{"name": "x", "list": [`})
	if _, err := New(Options{DataDir: dir}); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("malformed warninglist: err = %v", err)
	}
	if _, err := New(Options{DataDir: filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Error("missing data dir accepted")
	}
	dir = writeFiles(t, map[string]string{"warninglists/other.json": `{"not": "a list"}`})
	if s, err := New(Options{DataDir: dir}); err != nil || s.Stats().Warninglists != 0 {
		t.Errorf("non-list JSON in warninglists/: %v", err)
	}
}

// TestLoadSharedData loads the real events and lists and checks counts, time
// placement and classification.
func TestLoadSharedData(t *testing.T) {
	dir := sharedData(t)
	s, err := New(Options{DataDir: dir, TagPrefix: "cratos", Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if st.Events != 34 || st.Attributes != 3621 || st.Warninglists != 72 {
		t.Fatalf("stats %+v, want 34 events, 3621 attributes, 72 warninglists", st)
	}
	// Age filters give growing, non-empty, distinct results.
	prev := 0
	for _, age := range []time.Duration{time.Hour, 24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour, 365 * 24 * time.Hour, 3650 * 24 * time.Hour} {
		n := len(search(t, s, fmt.Sprintf(`{"timestamp":%d,"deleted":[0,1]}`, testNow.Add(-age).Unix())))
		if n <= prev {
			t.Errorf("age %v: %d attributes, not more than the shorter age's %d", age, n, prev)
		}
		prev = n
	}
	if prev != 3621 {
		t.Errorf("10 years: %d attributes, want all", prev)
	}
	oldest := testNow.Add(-oldestAge).Unix()
	for _, a := range search(t, s, `{"deleted":[0,1]}`) {
		var ts int64
		fmt.Sscan(a.Timestamp, &ts)
		if ts > testNow.Unix() || ts < oldest {
			t.Fatalf("attribute %s timestamp %d outside [now-730d, now]", a.ID, ts)
		}
	}
	// One classification tag per event; some published.
	total := 0
	for _, c := range classes {
		n := 0
		for _, a := range search(t, s, `{"tags":["cratos:incident-classification=`+c.name+`"]}`) {
			_ = a
			n++
		}
		total += n
	}
	if all := len(search(t, s, `{"returnFormat":"json"}`)); total != all {
		t.Errorf("classes cover %d attributes, want %d (exactly one class per event)", total, all)
	}
	pub := map[string]bool{}
	for _, a := range search(t, s, `{"published":true}`) {
		pub[a.EventID] = true
	}
	if len(pub) < 34/3 || len(pub) == 34 {
		t.Errorf("%d of 34 events published", len(pub))
	}
	if n := len(search(t, s, `{"tags":["cratos:incident-classification=block"],"published":true,"to_ids":true}`)); n == 0 {
		t.Error("the block feed has no data")
	}
	// to_ids stays as loaded: many ESET events have no to_ids attribute.
	if n, all := len(search(t, s, `{"to_ids":1}`)), len(search(t, s, `{"returnFormat":"json"}`)); n == 0 || n == all {
		t.Errorf("to_ids attributes: %d of %d", n, all)
	}
}

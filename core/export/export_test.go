package export

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

func TestSince(t *testing.T) {
	now := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		age  string
		want time.Time
		err  bool
	}{
		{"12h", now.Add(-12 * time.Hour), false},
		{"3d", time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC), false},
		{"2w", time.Date(2026, 3, 17, 12, 0, 0, 0, time.UTC), false},
		{"1m", time.Date(2026, 2, 28, 12, 0, 0, 0, time.UTC), false}, // calendar month, clamped as relativedelta does
		{"1y", time.Date(2025, 3, 31, 12, 0, 0, 0, time.UTC), false},
		{"10y", time.Date(2016, 3, 31, 12, 0, 0, 0, time.UTC), false},
		{"7d", time.Date(2026, 3, 24, 12, 0, 0, 0, time.UTC), false},
		{"11y", time.Time{}, true},
		{"0d", time.Time{}, true},
		{"1x", time.Time{}, true},
		{"", time.Time{}, true},
		{"123456d", time.Time{}, true},
	}
	for _, tc := range tests {
		got, err := Since(tc.age, now)
		if tc.err {
			if !errors.Is(err, ErrBadAge) {
				t.Errorf("%q: err %v, want ErrBadAge", tc.age, err)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("%q: %v %v, want %v", tc.age, got, err, tc.want)
		}
	}
	for _, age := range LegacyAges {
		if _, err := Since(age, now); err != nil {
			t.Errorf("legacy age %q refused: %v", age, err)
		}
	}
}

func TestBuildQuery(t *testing.T) {
	site := &config.Site{Tag: "t", IgnoreToIDs: []string{"ja3", "snort"},
		CustomFeeds: config.CustomFeeds{{Name: "cust1", Suffixes: []string{":x=1", ":x=2"}}, {Name: "hunt", Suffixes: []string{":override"}}}}
	since := time.Unix(1700000000, 0)
	dt := func(n string) indicator.DataType { d, _ := indicator.LookupDataType(n); return d }
	fp := "!t:incident-classification=false-positive"
	tests := []struct {
		feed      string
		dataType  string
		tags      []string
		published bool
		warn      bool
		toIDS     bool
		err       error
	}{
		{"block", "ipv4", []string{fp, "t:incident-classification=block"}, true, true, true, nil},
		{"incident", "ipv4", []string{fp, "t:incident-classification=incident"}, false, true, true, nil},
		{"alert", "domain", []string{fp, "t:incident-classification=alert"}, false, true, true, nil},
		{"hunt", "domain", []string{fp, "t:override"}, false, true, true, nil},
		{"any", "url", []string{fp}, true, true, true, nil},
		{"42", "url", []string{fp}, true, false, true, nil},
		{"cust1", "url", []string{fp, "t:x=1", "t:x=2"}, true, true, true, nil},
		{"cust2", "url", nil, false, false, false, ErrUnknownFeed},
		{"block", "ja3", []string{fp, "t:incident-classification=block"}, true, true, false, nil},
		{"block", "snort", []string{fp, "t:incident-classification=block"}, true, true, false, nil},
		{"nope", "url", nil, false, false, false, ErrUnknownFeed},
	}
	for _, tc := range tests {
		t.Run(tc.feed+"/"+tc.dataType, func(t *testing.T) {
			q, err := BuildQuery(site, KindFeed, tc.feed, "", dt(tc.dataType), since)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(q.Tags, tc.tags) || q.Published != tc.published || q.EnforceWarninglist != tc.warn || q.ToIDS != tc.toIDS || q.Timestamp != 1700000000 {
				t.Errorf("query %+v", q)
			}
		})
	}
	q, _ := BuildQuery(site, KindOrg, "", "55f6ea5e-2c60-40e5-964f-47a8950d210f", dt("ipv4"), since)
	if q.Org == "" || !slices.Equal(q.Tags, []string{fp}) || !q.Published || !q.EnforceWarninglist {
		t.Errorf("org query %+v", q)
	}
}

func TestCodecRoundTrip(t *testing.T) {
	snap := &Snapshot{Fetched: time.Unix(1700000000, 0), Stats: indicator.Stats{Attributes: 5, Invalid: 1, Skipped: 2}, Refused: []indicator.Indicator{{Type: indicator.IPv4Net, Value: "10.0.0.0/8", MISPType: "ip-dst", UUID: "u9"}},
		Indicators: listOf(t,
			indicator.Indicator{Type: indicator.IPv4, Value: "192.0.2.1", MISPType: "ip-dst", Category: "Network activity", UUID: "u1", EventID: 7, Timestamp: 1699999999, ToIDS: true},
			indicator.Indicator{Type: indicator.Yara, Value: "rule x {\n}", MISPType: "yara"},
		)}
	got, err := decodeSnapshot(encodeSnapshot(snap))
	if err != nil || !got.Fetched.Equal(snap.Fetched) || got.Stats != snap.Stats || !slices.Equal(got.Indicators.Slice(), snap.Indicators.Slice()) || !slices.Equal(got.Refused, snap.Refused) {
		t.Fatalf("snapshot round trip: %+v %v", got, err)
	}
	art := &Artifact{Body: []byte("a\nb\n"), ETag: ETagOf([]byte("a\nb\n")), ContentType: "text/plain", Generated: time.Unix(5, 0), Entries: 2, Invalid: 1, Dropped: map[string]int{"cap": 3}}
	ga, err := decodeArtifact(encodeArtifact(art))
	if err != nil || string(ga.Body) != "a\nb\n" || ga.ETag != art.ETag || ga.Dropped["cap"] != 3 || ga.Entries != 2 {
		t.Fatalf("artifact round trip: %+v %v", ga, err)
	}
	for _, b := range [][]byte{nil, []byte("CSN2"), []byte("XXXX1234"), encodeSnapshot(snap)[:20]} {
		if _, err := decodeSnapshot(b); err == nil {
			t.Errorf("corrupt snapshot %q decoded", b)
		}
	}
	enc := encodeArtifact(art)
	if _, err := decodeArtifact(enc[:len(enc)-1]); err == nil {
		t.Error("a truncated artifact decoded")
	}
}

func TestContentSince(t *testing.T) {
	s := New(Options{})
	list := func(vals ...string) []indicator.Indicator {
		var out []indicator.Indicator
		for _, v := range vals {
			out = append(out, indicator.Indicator{Type: indicator.Domain, Value: v})
		}
		return out
	}
	t0 := time.Unix(1700000000, 0)
	since, serial := s.contentSince("k", renderers.Slice(list("a.example")), t0)
	if !since.Equal(t0) || serial != 1700000000 {
		t.Fatalf("first: %v %d", since, serial)
	}
	since, serial2 := s.contentSince("k", renderers.Slice(list("a.example")), t0.Add(time.Hour))
	if !since.Equal(t0) || serial2 != serial {
		t.Errorf("unchanged content moved: %v %d", since, serial2)
	}
	since, serial3 := s.contentSince("k", renderers.Slice(list("a.example", "b.example")), t0.Add(2*time.Hour))
	if !since.Equal(t0.Add(2*time.Hour)) || serial3 <= serial {
		t.Errorf("changed content: %v %d", since, serial3)
	}
	// A clock that went backwards still gives a growing serial.
	_, serial4 := s.contentSince("k", renderers.Slice(list("c.example")), t0.Add(-time.Hour))
	if serial4 != serial3+1 {
		t.Errorf("serial after a clock step back %d, want %d", serial4, serial3+1)
	}
}

func TestSplitOutput(t *testing.T) {
	tests := []struct {
		in, name, pkg string
		sum           bool
	}{
		{"txt", "txt", "", false},
		{"suricata.tar.gz", "suricata", "tar.gz", false},
		{"suricata.tar.gz.md5", "suricata", "tar.gz", true},
		{"edl.md5", "edl", "", true},
		{"x.zip", "x.zip", "", false},
	}
	for _, tc := range tests {
		name, pkg, sum := SplitOutput(tc.in)
		if name != tc.name || pkg != tc.pkg || sum != tc.sum {
			t.Errorf("%q: %q %q %v", tc.in, name, pkg, sum)
		}
	}
}

// ParseOutput takes a renderer's own extension after its name, and only
// its own: the list of "rpz.rpz" is rpz's, "txt.zone" stays unknown.
func TestParseOutput(t *testing.T) {
	svc := New(Options{Renderers: renderers.Builtin()})
	tests := []struct {
		in, name, pkg string
		sum           bool
	}{
		{"txt", "txt", "", false},
		{"txt.txt", "txt", "", false},
		{"csv.csv.md5", "csv", "", true},
		{"rpz.rpz", "rpz", "", false},
		{"stix21.json", "stix21", "", false},
		{"txt.tar.gz", "txt", "tar.gz", false},
		{"txt.txt.tar.gz", "txt.txt", "tar.gz", false},
		{"txt.zone", "txt.zone", "", false},
		{"rpz.txt", "rpz.txt", "", false},
		{"txt.TXT", "txt.TXT", "", false},
	}
	for _, tc := range tests {
		name, pkg, sum := svc.ParseOutput(tc.in)
		if name != tc.name || pkg != tc.pkg || sum != tc.sum {
			t.Errorf("%q: %q %q %v, want %q %q %v", tc.in, name, pkg, sum, tc.name, tc.pkg, tc.sum)
		}
	}
}

// listOf returns ins as an indicator.List.
func listOf(t testing.TB, ins ...indicator.Indicator) indicator.List {
	t.Helper()
	l, err := indicator.NewList(ins)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

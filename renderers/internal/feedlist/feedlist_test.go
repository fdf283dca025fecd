package feedlist

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

func texts(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Text())
	}
	return out
}

func TestSortIPs(t *testing.T) {
	ip := func(s string, ts int64) IP { return IP{netip.MustParsePrefix(s), ts} }
	tests := []struct {
		name  string
		in    []IP
		want  []IP
		drops int
	}{
		{"empty", nil, []IP{}, 0},
		{"order", []IP{ip("::1/128", 1), ip("198.51.100.0/24", 2), ip("198.51.100.0/25", 3), ip("10.0.0.0/8", 4)},
			[]IP{ip("10.0.0.0/8", 4), ip("198.51.100.0/24", 2), ip("198.51.100.0/25", 3), ip("::1/128", 1)}, 0},
		{"duplicates keep newest", []IP{ip("192.0.2.1/32", 5), ip("192.0.2.1/32", 9), ip("192.0.2.1/32", 7)},
			[]IP{ip("192.0.2.1/32", 9)}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Drops{}
			got := SortIPs(tt.in, d, "dup")
			if !slices.Equal(got, tt.want) || d["dup"] != tt.drops {
				t.Errorf("got %v, %d drops; want %v, %d", got, d["dup"], tt.want, tt.drops)
			}
		})
	}
}

func TestUncovered(t *testing.T) {
	ip := func(s string, ts int64) IP { return IP{netip.MustParsePrefix(s), ts} }
	in := []IP{ip("10.0.0.0/8", 1), ip("10.1.0.0/16", 5), ip("10.1.2.3/32", 9), ip("11.0.0.0/31", 2), ip("11.0.0.1/32", 3),
		ip("11.0.0.2/32", 4), ip("::/1", 1), ip("::1/128", 7)}
	want := []IP{ip("10.0.0.0/8", 9), ip("11.0.0.0/31", 3), ip("11.0.0.2/32", 4), ip("::/1", 7)}
	d := Drops{}
	if got := Uncovered(slices.Clone(in), d, "covered"); !slices.Equal(got, want) || d["covered"] != 4 {
		t.Errorf("got %v, %v; want %v, 4 covered", got, d, want)
	}
}

func TestSortDedup(t *testing.T) {
	tests := []struct {
		name  string
		in    []Entry
		want  []Entry
		drops int
	}{
		{"bare before wildcard", []Entry{{Key: "b", Wild: true}, {Key: "b"}, {Key: "a"}},
			[]Entry{{Key: "a"}, {Key: "b"}, {Key: "b", Wild: true}}, 0},
		{"duplicates keep newest", []Entry{{Key: "a", TS: 1}, {Key: "a", TS: 3}, {Key: "a", Wild: true, TS: 2}, {Key: "a", Wild: true}},
			[]Entry{{Key: "a", TS: 3}, {Key: "a", Wild: true, TS: 2}}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Drops{}
			got := SortDedup(slices.Clone(tt.in), d, "dup")
			if !slices.Equal(got, tt.want) || d["dup"] != tt.drops {
				t.Errorf("got %v, %d drops; want %v, %d", got, d["dup"], tt.want, tt.drops)
			}
		})
	}
}

func TestNewest(t *testing.T) {
	es := []Entry{{Key: "a", TS: 1}, {Key: "bb", TS: 3}, {Key: "c", TS: 2}, {Key: "d", Wild: true, TS: 3}}
	tests := []struct {
		name  string
		caps  Caps
		want  []string
		drops Drops
	}{
		{"no caps", Caps{}, []string{"a", "bb", "c", "*.d"}, Drops{}},
		{"under the caps", Caps{MaxEntries: 4, MaxBytes: 100}, []string{"a", "bb", "c", "*.d"}, Drops{}},
		{"entries, ties keep the earlier", Caps{MaxEntries: 1, Entries: "n"}, []string{"bb"}, Drops{"n": 3}},
		{"entries, original order", Caps{MaxEntries: 3, Entries: "n"}, []string{"bb", "c", "*.d"}, Drops{"n": 1}},
		{"bytes", Caps{MaxBytes: 7, Entries: "n", Bytes: "b"}, []string{"bb", "*.d"}, Drops{"b": 2}},
		{"entries first", Caps{MaxEntries: 1, MaxBytes: 3, Entries: "n", Bytes: "b"}, []string{"bb"}, Drops{"n": 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Drops{}
			got := texts(Newest(slices.Clone(es), tt.caps, d))
			if !slices.Equal(got, tt.want) || len(d) != len(tt.drops) {
				t.Fatalf("got %q %v, want %q %v", got, d, tt.want, tt.drops)
			}
			for k, n := range tt.drops {
				if d[k] != n {
					t.Fatalf("drops %v, want %v", d, tt.drops)
				}
			}
		})
	}
}

func TestAddName(t *testing.T) {
	tests := []struct {
		name   string
		in     Name
		suffix string
		pair   bool
		want   []string
		drops  int
	}{
		{"hostname", Name{Name: "www.bad.example"}, "", true, []string{"www.bad.example"}, 0},
		{"domain pair", Name{Name: "bad.example", Domain: true}, "/", true, []string{"bad.example/", "*.bad.example/"}, 0},
		{"domain exact", Name{Name: "bad.example", Domain: true}, "", false, []string{"bad.example"}, 0},
		{"public suffix", Name{Name: "co.uk", Domain: true}, "", true, []string{"co.uk"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Drops{}
			got := texts(AddName(nil, tt.in, tt.suffix, tt.pair, d, "suffix"))
			if !slices.Equal(got, tt.want) || d["suffix"] != tt.drops {
				t.Errorf("got %q, %d drops; want %q, %d", got, d["suffix"], tt.want, tt.drops)
			}
		})
	}
}

func TestSplitHostPath(t *testing.T) {
	tests := []struct {
		rest, host, tail, path string
	}{
		{"bad.example", "bad.example", "", "/"},
		{"u:p@Bad.Example:8080/a?b", "Bad.Example:8080", "/a?b", "/a?b"},
		{"bad.example?q=1", "bad.example", "?q=1", "/?q=1"},
		{"a@b@bad.example/x y/\xc3\xbc", "bad.example", "/x y/\xc3\xbc", "/x%20y/%C3%BC"},
	}
	for _, tt := range tests {
		t.Run(tt.rest, func(t *testing.T) {
			host, tail := SplitHost(tt.rest)
			if host != tt.host || tail != tt.tail || Path(tail) != tt.path {
				t.Errorf("got %q %q %q, want %q %q %q", host, tail, Path(tail), tt.host, tt.tail, tt.path)
			}
		})
	}
}

// URIPath writes a URL tail, URIValue a whole URL, as RFC 3986 importers
// take them.
func TestURIPathAndValue(t *testing.T) {
	tests := []struct {
		name     string
		f        func(string) string
		in, want string
	}{
		{"URIPath", URIPath, "", "/"},
		{"URIPath", URIPath, "/a%20b", "/a%20b"},
		{"URIPath", URIPath, "/%", "/%25"},
		{"URIPath", URIPath, "/a%zz%4", "/a%25zz%254"},
		{"URIPath", URIPath, "?q=100%", "/?q=100%25"},
		{"URIPath", URIPath, "/x y%", "/x%20y%25"},
		{"URIValue", URIValue, "http://bad.example", "http://bad.example/"},
		{"URIValue", URIValue, "https://u:p@Bad.Example:8443/a b?q=100%", "https://Bad.Example:8443/a%20b?q=100%25"},
		{"URIValue", URIValue, "bad.example/x?y", "bad.example/x?y"},
		{"URIValue", URIValue, "bad.example/r?u=http://u@x.example/", "bad.example/r?u=http://u@x.example/"},
		{"URIValue", URIValue, "ftp://a@b@ftp.example", "ftp://ftp.example/"},
	}
	for _, tt := range tests {
		if got := tt.f(tt.in); got != tt.want {
			t.Errorf("%s(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		dataType string
		want     Kind
	}{
		{"nope", KindNone}, {"url", KindURL}, {"hostname", KindName}, {"domain", KindName},
		{"ipv4ext", KindIP}, {"cidr4", KindIP}, {"file-sha1", KindHash}, {"mutex", KindNone},
	}
	for _, tt := range tests {
		t.Run(tt.dataType, func(t *testing.T) {
			if got := KindOf(tt.dataType); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestCollector(t *testing.T) {
	ins := []indicator.Indicator{
		{Type: indicator.IPv4, Value: "198.51.100.7", Timestamp: 1},
		{Type: indicator.IPv4Net, Value: "not a prefix", Timestamp: 2},
		{Type: indicator.Domain, Value: "bad.example", Timestamp: 3},
		{Type: indicator.Hostname, Value: "www.bad.example", Timestamp: 4},
		{Type: indicator.URL, Value: "http://bad.example/", Timestamp: 5},
		{Type: indicator.SHA1, Value: "0123", Timestamp: 6},
		{Type: indicator.Mutex, Value: "m", Timestamp: 7},
	}
	var c Collector
	for _, in := range ins {
		c.Add(in)
	}
	want := Collector{
		IPs:    []IP{{netip.MustParsePrefix("198.51.100.7/32"), 1}},
		Names:  []Name{{"bad.example", true, 3}, {"www.bad.example", false, 4}},
		URLs:   []Value{{"http://bad.example/", indicator.URL, 5}},
		Hashes: []Value{{"0123", indicator.SHA1, 6}},
		Other:  2,
	}
	if !slices.Equal(c.IPs, want.IPs) || !slices.Equal(c.Names, want.Names) || !slices.Equal(c.URLs, want.URLs) ||
		!slices.Equal(c.Hashes, want.Hashes) || c.Other != want.Other {
		t.Errorf("got %+v, want %+v", c, want)
	}
}

func TestDropsReport(t *testing.T) {
	d := Drops{}
	d.Add("b", 2)
	d.Add("a", 1)
	d.Add("b", 1)
	d.Add("c", 0)
	var got []string
	d.Report(renderers.Request{Dropped: func(reason string, n int) {
		got = append(got, reason+"="+string(rune('0'+n)))
	}})
	if want := []string{"a=1", "b=3"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Sorted runs are merged, many runs sorted; either way the result is the
// fully sorted list.
func TestSortEntriesRuns(t *testing.T) {
	mk := func(keys ...string) []Entry {
		var es []Entry
		for _, k := range keys {
			es = append(es, Entry{Key: k})
		}
		return es
	}
	for _, keys := range [][]string{
		{"a", "b", "c"},
		{"b", "d", "a", "c"},
		{"e", "a", "d", "b", "c"},
		{"f", "e", "d", "c", "b", "a"},
		{},
	} {
		got := sortEntries(mk(keys...))
		if !slices.IsSortedFunc(got, compareEntries) || len(got) != len(keys) {
			t.Errorf("%v: got %v", keys, got)
		}
	}
}

func TestNewestFirst(t *testing.T) {
	tests := []struct {
		name string
		ts   []int64
		want []int
	}{
		{"empty", nil, []int{}},
		{"newest first", []int64{1, 3, 2}, []int{1, 2, 0}},
		{"ties in index order", []int64{2, 5, 2, 5}, []int{1, 3, 0, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewestFirst(len(tt.ts), func(i int) int64 { return tt.ts[i] }); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAddURLs(t *testing.T) {
	urls := []Value{{Value: "a", TS: 1}, {Value: "bad", TS: 2}, {Value: "c", TS: 3}}
	d := Drops{}
	got := AddURLs([]Entry{{Key: "x"}}, urls, d, func(v string) (string, string) {
		if v == "bad" {
			return "", "refused"
		}
		return v + "/", ""
	})
	want := []Entry{{Key: "x"}, {Key: "a/", TS: 1}, {Key: "c/", TS: 3}}
	if !slices.Equal(got, want) || d["refused"] != 1 || len(d) != 1 {
		t.Errorf("got %v %v, want %v and one refused", got, d, want)
	}
}

func TestHoldsIPv4Mapped(t *testing.T) {
	for p, want := range map[string]bool{
		"::/0": true, "::/8": true, "::/80": true, "::ffff:0:0/96": true,
		"::/96": false, "::/81": false, "::ffff:192.0.2.0/120": false, "::ffff:0:0/97": false,
		"64:ff9b::/96": false, "2001:db8::/32": false, "0.0.0.0/0": false, "198.51.100.0/24": false,
	} {
		if got := HoldsIPv4Mapped(netip.MustParsePrefix(p)); got != want {
			t.Errorf("HoldsIPv4Mapped(%s) = %v, want %v", p, got, want)
		}
	}
}

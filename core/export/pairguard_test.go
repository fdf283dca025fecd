package export_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
)

// realWarninglist reads one of the shared data's MISP warninglist files,
// or skips the test when there is none (a fresh clone).
func realWarninglist(t *testing.T, file string) mispsim.Warninglist {
	t.Helper()
	dir := testtool.SharedData()
	if dir == "" {
		t.Skip("no shared data (../shared/data)")
	}
	body, err := os.ReadFile(filepath.Join(dir, "warninglists", file))
	if err != nil {
		t.Skip(err)
	}
	var f struct {
		Name               string   `json:"name"`
		Type               string   `json:"type"`
		MatchingAttributes []string `json:"matching_attributes"`
		List               []string `json:"list"`
	}
	if err := json.Unmarshal(body, &f); err != nil {
		t.Fatal(err)
	}
	return mispsim.Warninglist{Name: f.Name, Type: f.Type, MatchingAttributes: f.MatchingAttributes, List: f.List}
}

// MISP drops a composite attribute (domain|ip, hostname|port,
// filename|md5, ...) when either half is on a warninglist that applies to
// its type, so no list gets the other half either. A warninglist enabled
// after the feed's last full read, which MISP's own enforcement has not
// applied to what Cratos holds, keeps both halves out all the same; so
// does a never_block name.
func TestCompositeOtherHalfKeptOut(t *testing.T) {
	const md5 = "0123456789abcdef0123456789abcdef"
	tests := []struct {
		name       string
		attr       mispsim.Attribute
		list       func(t *testing.T) mispsim.Warninglist // nil: none
		neverBlock []string
		dataType   string
		gone       string // the half no longer listed
		dropped    string // its drop reason
	}{
		{"name on a real hostname list, address list", mispsim.Attribute{Type: "domain|ip", Value: "www.google.com|142.250.80.4"},
			func(t *testing.T) mispsim.Warninglist { return realWarninglist(t, "tranco10k.json") }, nil, "ipv4", "142.250.80.4", "guard: warninglist"},
		{"name on a real hostname list, ipv4ext list", mispsim.Attribute{Type: "domain|ip", Value: "www.google.com|142.250.80.4"},
			func(t *testing.T) mispsim.Warninglist { return realWarninglist(t, "tranco10k.json") }, nil, "ipv4ext", "142.250.80.4", "guard: warninglist"},
		{"address on a real cidr list, hostname list", mispsim.Attribute{Type: "domain|ip", Value: "resolver.evil-example.xyz|8.8.8.8"},
			func(t *testing.T) mispsim.Warninglist { return realWarninglist(t, "public-dns-v4.json") }, nil, "hostname", "resolver.evil-example.xyz", "guard: warninglist"},
		{"name on a hostname list", mispsim.Attribute{Type: "domain|ip", Value: "cdn.top-example.com|198.51.100.40"},
			func(*testing.T) mispsim.Warninglist {
				return mispsim.Warninglist{Name: "Top sites", Type: "hostname", MatchingAttributes: []string{"hostname", "domain", "domain|ip"}, List: []string{"top-example.com"}}
			}, nil, "ipv4", "198.51.100.40", "guard: warninglist"},
		{"file name on a string list", mispsim.Attribute{Type: "filename|md5", Value: "setup.exe|" + md5},
			func(*testing.T) mispsim.Warninglist {
				return mispsim.Warninglist{Name: "Known files", Type: "string", MatchingAttributes: []string{"filename|md5"}, List: []string{"setup.exe"}}
			}, nil, "file-md5", md5, "guard: warninglist"},
		{"never_block name", mispsim.Attribute{Type: "domain|ip", Value: "mail.corp-example.net|198.51.100.25"},
			nil, []string{"corp-example.net"}, "ipv4", "198.51.100.25", "guard: never_block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var wl mispsim.Warninglist
			if tt.list != nil {
				wl = tt.list(t)
			}
			e := newEmulated(t, 0, 1000)
			site := *e.site
			site.Guard = config.Guard{NeverBlock: config.NeverBlock{Domains: tt.neverBlock}}
			tt.attr.ToIDS = true
			if _, err := e.sim.AddEvent(mispsim.Event{Info: "pairs", Published: true, Tags: []string{"cratos:incident-classification=block"},
				Attributes: []mispsim.Attribute{tt.attr,
					{Type: "domain|ip", Value: "c2.evil-example.xyz|203.0.113.77", ToIDS: true},
					{Type: "filename|md5", Value: "dropper.exe|fedcba9876543210fedcba9876543210", ToIDS: true}}}); err != nil {
				t.Fatal(err)
			}
			e.clock.Add(600) // the event is older than what a refresh reads again
			svc := e.service(export.Options{ReconcileEvery: 24 * time.Hour, WarninglistTTL: time.Minute})
			dt, _ := indicator.LookupDataType(tt.dataType)
			get := func() export.Result {
				t.Helper()
				res, err := svc.Get(context.Background(), export.Request{Site: &site, MISPURL: e.url, MISPKey: mispsim.DefaultKey,
					Kind: export.KindFeed, Feed: "block", DataType: dt, Age: "1y", Output: "txt", TTL: time.Minute, WaitFresh: true})
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			if tt.list != nil {
				if got := listLines(get().Body); !slices.Contains(got, tt.gone) {
					t.Fatalf("before the warninglist: %q lacks %s", got, tt.gone)
				}
				if _, err := e.sim.AddWarninglist(wl); err != nil {
					t.Fatal(err)
				}
				e.clock.Add(120) // the list and the warninglists read are past their lifetime
			}
			res := get()
			got := listLines(res.Body)
			if slices.Contains(got, tt.gone) {
				t.Errorf("%s list %q carries %s, whose attribute's other half is kept out", tt.dataType, got, tt.gone)
			}
			if len(got) != 1 {
				t.Errorf("%s list %q, want the other attribute's entry alone", tt.dataType, got)
			}
			if res.Dropped[tt.dropped] != 1 {
				t.Errorf("dropped %v, want %s=1", res.Dropped, tt.dropped)
			}
		})
	}
}

func listLines(body []byte) []string {
	var out []string
	for _, l := range strings.Fields(string(body)) {
		if !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

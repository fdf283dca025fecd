package fortinet_test

import (
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/fortinet"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"domain_wildcards": "exact", "url_scheme": "strip"},
	{"fortios": "pre-7.4.4", "max_entries": "3"},
	{"feed": "malware", "hash_type": "md5"},
	{"feed": "category"},
}

// FuzzRender checks the output against the FortiOS rules for its feed
// type and caps (devicecheck.CheckFortiOS) and that every input entry is
// either a line or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.Fuzz(f, fortinet.Renderer{}, fuzzOptions, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got conformance.Rendered) {
		opts := req.Options
		dt, _ := indicator.LookupDataType(req.DataType)
		feed := fuzzFeed(dt, opts["feed"])
		lim := devicecheck.FortiLimits{}
		if opts["fortios"] == "pre-7.4.4" {
			lim = devicecheck.FortiPre744
		}
		if vs := devicecheck.CheckFortiOS(feed, got.Out, lim); len(vs) > 0 {
			t.Fatalf("FortiOS rules broken: %v\n%s", devicecheck.Error(vs, 10), got.Out)
		}
		lines := devicecheck.Lines(got.Out)
		want := 0
		for _, in := range ins {
			want++
			if feed == devicecheck.FortiDomain && in.Type == indicator.Domain && opts["domain_wildcards"] != "exact" {
				want++
			}
		}
		if n := len(lines) + got.DropTotal(); n != want {
			t.Fatalf("%d lines + %v dropped, want %d entries in all\n%s", len(lines), got.Drops, want, got.Out)
		}
		if feed == devicecheck.FortiMalware && opts["hash_type"] == "md5" {
			if i := slices.IndexFunc(lines, func(l string) bool { return len(l) != 32 }); i >= 0 {
				t.Fatalf("line %q in an md5 feed", lines[i])
			}
		}
		if feed == devicecheck.FortiCategory && opts["url_scheme"] == "strip" {
			if i := slices.IndexFunc(lines, func(l string) bool { return devicecheck.SchemeEnd(l) >= 0 }); i >= 0 {
				t.Fatalf("line %q keeps its scheme", lines[i])
			}
		}
	})
}

// fuzzFeed is the feed type the renderer picks for dt or the option.
func fuzzFeed(dt indicator.DataType, option string) devicecheck.FortiFeed {
	switch {
	case option == "category" || option == "" && dt.Yields.Has(indicator.URL):
		return devicecheck.FortiCategory
	case option == "domain" || option == "" && (dt.Yields.Has(indicator.Domain) || dt.Yields.Has(indicator.Hostname)):
		return devicecheck.FortiDomain
	case option == "malware" || option == "" && dt.Yields&indicator.SetOf(indicator.MD5, indicator.SHA1, indicator.SHA256) != 0:
		return devicecheck.FortiMalware
	}
	return devicecheck.FortiAddress
}

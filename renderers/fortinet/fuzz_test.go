package fortinet_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/devicecheck"
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
	r := fortinet.Renderer{}
	info := r.Info()
	dts := fuzzDataTypes(info)
	fuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := fuzzInput(dt, info, records)
		got := fuzzRender(t, r, dt, opts, ins)

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
		if n := len(lines) + fuzzDropTotal(got.Drops); n != want {
			t.Fatalf("%d lines + %v dropped, want %d entries in all\n%s", len(lines), got.Drops, want, got.Out)
		}
		if feed == devicecheck.FortiMalware && opts["hash_type"] == "md5" {
			if i := slices.IndexFunc(lines, func(l string) bool { return len(l) != 32 }); i >= 0 {
				t.Fatalf("line %q in an md5 feed", lines[i])
			}
		}
		if feed == devicecheck.FortiCategory && opts["url_scheme"] == "strip" {
			if i := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "://") }); i >= 0 {
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

// fuzzMaxRecords bounds the MISP attributes of one fuzz input, and
// fuzzMaxIndicators the indicators they may expand into (an ipv4ext /16
// gives 65,536), so that every input renders in milliseconds.
const (
	fuzzMaxRecords    = 64
	fuzzMaxIndicators = 4096
)

// fuzzGenerated is the snapshot time of every fuzzed render.
var fuzzGenerated = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// fuzzDataTypes returns the route data types whose indicators the
// renderer takes.
func fuzzDataTypes(info renderers.Info) []indicator.DataType {
	types := indicator.SetOf(info.Types...)
	var out []indicator.DataType
	for _, dt := range indicator.DataTypes() {
		if dt.Yields&types != 0 {
			out = append(out, dt)
		}
	}
	return out
}

// fuzzSeeds adds one seed per data type and option set: the raw sample
// MISP values of the data type's MISP types (see fuzzInput).
func fuzzSeeds(f *testing.F, dts []indicator.DataType, optionSets int) {
	attrs := conformance.SampleAttributes()
	for i, dt := range dts {
		var recs []string
		for _, a := range attrs {
			if j := slices.Index(dt.MISPTypes, a.Type); j >= 0 {
				recs = append(recs, string([]byte{byte(j)})+a.Value)
			}
		}
		for o := range optionSets {
			f.Add(uint8(i), uint8(o), strings.Join(recs, "\x00"))
		}
	}
}

// fuzzInput builds the renderer's input from fuzzed records the way the
// service does: NUL-separated records, each a byte choosing one of dt's
// MISP types followed by the raw value, go through dt's Extractor and
// Normalize, and only the types the renderer takes are kept.
func fuzzInput(dt indicator.DataType, info renderers.Info, records string) []indicator.Indicator {
	x := indicator.NewExtractor(dt, 0)
	var ins []indicator.Indicator
	for i, rec := range strings.SplitN(records, "\x00", fuzzMaxRecords) {
		if len(ins) >= fuzzMaxIndicators {
			break
		}
		if rec == "" {
			continue
		}
		ins = x.Add(ins, indicator.Attribute{
			Type:      dt.MISPTypes[int(rec[0])%len(dt.MISPTypes)],
			Value:     rec[1:],
			Category:  "Network activity",
			UUID:      fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
			EventID:   int64(i%7 + 1),
			Timestamp: 1767225600 + int64(i%5)*86400,
			ToIDS:     true,
		})
	}
	keep := indicator.SetOf(info.Types...) & dt.Yields
	ins = slices.DeleteFunc(indicator.Normalize(ins), func(in indicator.Indicator) bool { return !keep.Has(in.Type) })
	return ins[:min(len(ins), fuzzMaxIndicators)]
}

// fuzzRender renders ins as the service would for dt, recording drops.
func fuzzRender(t *testing.T, r renderers.Renderer, dt indicator.DataType, opts map[string]string, ins []indicator.Indicator) conformance.Rendered {
	t.Helper()
	req := renderers.Request{Site: "misp.example.net", Feed: "block", DataType: dt.Name, Generated: fuzzGenerated, Options: opts}
	return conformance.Render(t, r, req, ins)
}

// fuzzDropTotal sums the drop counts.
func fuzzDropTotal(drops map[string]int) int {
	n := 0
	for _, c := range drops {
		n += c
	}
	return n
}

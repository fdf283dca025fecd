package edl_test

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/edl"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"collapse": "false"},
	{"domain_wildcards": "exact", "url_ports": "strip"},
	{"max_entries": "3", "collapse": "false"},
	{"list_type": "url"},
	{"empty_sentinel": "false", "list_type": "domain"},
}

// FuzzRender checks the output against the PAN-OS rules for its list
// type (devicecheck.CheckPANOS) and that nothing is lost silently: every
// input entry is either a line or a reported drop (collapsed IP lists
// instead cover every input prefix with non-overlapping lines).
func FuzzRender(f *testing.F) {
	r := edl.Renderer{}
	info := r.Info()
	dts := fuzzDataTypes(info)
	fuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := fuzzInput(dt, info, records)
		got := fuzzRender(t, r, dt, opts, ins)

		list := fuzzListType(dt, opts["list_type"])
		if vs := devicecheck.CheckPANOS(list, got.Out); len(vs) > 0 {
			t.Fatalf("PAN-OS rules broken: %v\n%s", devicecheck.Error(vs, 10), got.Out)
		}
		lines := devicecheck.Lines(got.Out)
		if len(lines) == 0 && len(got.Out) > 0 {
			t.Fatalf("output %q holds no line", got.Out)
		}
		empty := false
		if len(lines) == 1 && opts["empty_sentinel"] != "false" {
			empty = lines[0] == edl.SentinelIP || lines[0] == edl.SentinelDomain || lines[0] == edl.SentinelURL
		}
		if len(lines) == 0 && opts["empty_sentinel"] != "false" {
			t.Fatal("empty list without the sentinel entry")
		}
		if list == devicecheck.PANIP && opts["collapse"] != "false" {
			fuzzCheckCollapsed(t, ins, lines, empty)
			return
		}
		written := len(lines)
		if empty {
			written = 0
		}
		want := 0
		for _, in := range ins {
			want += fuzzPotential(list, in, opts["domain_wildcards"] != "exact")
		}
		if n := written + fuzzDropTotal(got.Drops); n != want {
			t.Fatalf("%d lines + %v dropped, want %d entries in all\n%s", written, got.Drops, want, got.Out)
		}
	})
}

// fuzzListType is the list type the renderer picks for dt or the option.
func fuzzListType(dt indicator.DataType, option string) devicecheck.PANList {
	switch {
	case option == "url" || option == "" && dt.Yields.Has(indicator.URL):
		return devicecheck.PANURL
	case option == "domain" || option == "" && (dt.Yields.Has(indicator.Domain) || dt.Yields.Has(indicator.Hostname)):
		return devicecheck.PANDomain
	}
	return devicecheck.PANIP
}

// fuzzPotential is how many lines in would take before de-duplication
// and caps: a Domain gives "d" and "*.d" in domain and URL lists.
func fuzzPotential(list devicecheck.PANList, in indicator.Indicator, pair bool) int {
	if in.Type == indicator.Domain && pair && list != devicecheck.PANIP {
		return 2
	}
	return 1
}

// fuzzCheckCollapsed checks a collapsed IP list: every input prefix lies
// inside one line, and no two lines overlap.
func fuzzCheckCollapsed(t *testing.T, ins []indicator.Indicator, lines []string, empty bool) {
	t.Helper()
	var out []netip.Prefix
	if !empty {
		for _, l := range lines {
			p, err := netip.ParsePrefix(l)
			if err != nil {
				a, aerr := netip.ParseAddr(l)
				if aerr != nil {
					t.Fatalf("line %q is neither a prefix nor an address", l)
				}
				p = netip.PrefixFrom(a, a.BitLen())
			}
			out = append(out, p)
		}
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[i].Overlaps(out[j]) {
				t.Fatalf("lines %s and %s overlap", out[i], out[j])
			}
		}
	}
	for _, in := range ins {
		p, ok := in.Prefix()
		if !ok {
			continue
		}
		if !slices.ContainsFunc(out, func(q netip.Prefix) bool { return q.Bits() <= p.Bits() && q.Contains(p.Addr()) }) {
			t.Fatalf("input %s is covered by no line of %q", in.Value, strings.Join(lines, " "))
		}
	}
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

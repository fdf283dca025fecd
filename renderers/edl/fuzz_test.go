package edl_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/devicecheck"
	"github.com/cratos-project/cratos/conformance/rendertest"
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
	rendertest.Fuzz(f, edl.Renderer{}, fuzzOptions, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got rendertest.Rendered) {
		opts := req.Options
		dt, _ := indicator.LookupDataType(req.DataType)
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
		if n := written + got.DropTotal(); n != want {
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
		var err error
		if out, err = rendertest.Prefixes(lines, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := rendertest.Covers(out, ins, 0); err != nil {
		t.Fatalf("%v of %q", err, strings.Join(lines, " "))
	}
}

package squid_test

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/squid"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"acl": squid.DstDomain},
	{"acl": squid.Dst},
	{"acl": squid.URLRegex},
}

// FuzzRender checks what makes Squid (up to 6) load an ACL file as meant:
// lines shorter than its 2,048-byte line buffer, no empty line, no
// duplicate, no two entries that overlap (a ".d" entry covering another
// name, a prefix inside another), url_regex lines that are anchored
// regular expressions, and every input either written or reported
// dropped.
func FuzzRender(f *testing.F) {
	r := squid.Renderer{}
	info := r.Info()
	dts := fuzzDataTypes(info)
	fuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := fuzzInput(dt, info, records)
		got := fuzzRender(t, r, dt, opts, ins)

		kind := opts["acl"]
		if kind == "" {
			kind = squid.ForDataType(dt.Name)
		}
		text := string(got.Out)
		if text != "" && !strings.HasSuffix(text, "\n") {
			t.Fatalf("no final newline: %q", text)
		}
		lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
		if text == "" {
			lines = nil
		}
		seen := map[string]bool{}
		for i, l := range lines {
			switch {
			case len(l)+1 >= 2048:
				t.Fatalf("line %d is %d bytes, want < 2048 with its newline", i+1, len(l)+1)
			case l == "":
				t.Fatalf("line %d is empty", i+1)
			case seen[l]:
				t.Fatalf("line %d %q repeats an earlier line", i+1, l)
			}
			seen[l] = true
		}
		switch kind {
		case squid.DstDomain:
			fuzzCheckDomains(t, lines)
		case squid.Dst:
			fuzzCheckPrefixes(t, ins, lines)
		case squid.URLRegex:
			for _, l := range lines {
				if !strings.HasPrefix(l, "^") {
					t.Fatalf("url_regex line %q is not anchored", l)
				}
				if _, err := regexp.CompilePOSIX(l); err != nil {
					t.Fatalf("url_regex line %q: %v", l, err)
				}
			}
		default:
			t.Fatalf("no ACL kind for data type %s", dt.Name)
		}
		if n := len(lines) + fuzzDropTotal(got.Drops); n != len(ins) {
			t.Fatalf("%d lines + %v dropped, want %d indicators in all\n%s", len(lines), got.Drops, len(ins), got.Out)
		}
	})
}

// fuzzCheckDomains checks dstdomain lines: names of letters, digits, '-',
// '_' and '.', and no ".d" line covering another line (d itself or a
// subdomain of d).
func fuzzCheckDomains(t *testing.T, lines []string) {
	t.Helper()
	for _, l := range lines {
		name := strings.TrimPrefix(l, ".")
		if name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789-_.") != "" {
			t.Fatalf("dstdomain line %q holds other characters", l)
		}
	}
	for _, parent := range lines {
		d, ok := strings.CutPrefix(parent, ".")
		if !ok {
			continue
		}
		for _, other := range lines {
			name := strings.TrimPrefix(other, ".")
			if other != parent && (name == d || strings.HasSuffix(name, "."+d)) {
				t.Fatalf("dstdomain lines %q and %q overlap", parent, other)
			}
		}
	}
}

// fuzzCheckPrefixes checks dst lines: addresses or masked prefixes, none
// overlapping another, together covering every input address or net.
func fuzzCheckPrefixes(t *testing.T, ins []indicator.Indicator, lines []string) {
	t.Helper()
	var out []netip.Prefix
	for _, l := range lines {
		p, err := netip.ParsePrefix(l)
		if err != nil {
			a, aerr := netip.ParseAddr(l)
			if aerr != nil {
				t.Fatalf("dst line %q is neither a prefix nor an address", l)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		} else if p.Masked() != p {
			t.Fatalf("dst line %q has host bits set", l)
		}
		out = append(out, p)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[i].Overlaps(out[j]) {
				t.Fatalf("dst lines %s and %s overlap", out[i], out[j])
			}
		}
	}
	for _, in := range ins {
		p, ok := in.Prefix()
		if !ok || p.Bits() == 0 {
			continue
		}
		if !slices.ContainsFunc(out, func(q netip.Prefix) bool { return q.Bits() <= p.Bits() && q.Contains(p.Addr()) }) {
			t.Fatalf("input %s is covered by no dst line", in.Value)
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

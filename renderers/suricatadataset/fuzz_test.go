package suricatadataset_test

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/suricatadataset"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"type": suricatadataset.TypeString},
	{"type": suricatadataset.TypeIP},
	{"type": suricatadataset.TypeSHA256},
}

// FuzzRender checks that every line is a value Suricata's dataset of that
// type loads (base64 for string, lower-case hex of the right length for
// hashes, an address for ip and ipv4), that the lines are the values that
// fit the type, in order, and that the others are reported dropped.
func FuzzRender(f *testing.F) {
	r := suricatadataset.Renderer{}
	info := r.Info()
	dts := fuzzDataTypes(info)
	fuzzSeeds(f, dts, len(fuzzOptions))
	f.Fuzz(func(t *testing.T, dtSel, optSel uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		opts := fuzzOptions[int(optSel)%len(fuzzOptions)]
		ins := fuzzInput(dt, info, records)
		got := fuzzRender(t, r, dt, opts, ins)

		typ := opts["type"]
		if typ == "" {
			typ = suricatadataset.ForDataType(dt.Name)
		}
		text := string(got.Out)
		if text != "" && !strings.HasSuffix(text, "\n") {
			t.Fatalf("no final newline: %q", text)
		}
		lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
		if text == "" {
			lines = nil
		}
		var want []string
		for _, in := range ins {
			if v, ok := fuzzDatasetValue(typ, in); ok {
				want = append(want, v)
			}
		}
		for i, l := range lines {
			if err := fuzzDatasetLine(typ, l); err != nil {
				t.Fatalf("line %d %q: %v", i+1, l, err)
			}
		}
		if !slices.Equal(lines, want) {
			t.Fatalf("lines differ:\n got %q\nwant %q", lines, want)
		}
		if n := len(lines) + fuzzDropTotal(got.Drops); n != len(ins) {
			t.Fatalf("%d lines + %v dropped, want %d indicators in all", len(lines), got.Drops, len(ins))
		}
	})
}

// fuzzDatasetValue is the line in gives in a dataset of type typ, if it
// fits.
func fuzzDatasetValue(typ string, in indicator.Indicator) (string, bool) {
	switch typ {
	case suricatadataset.TypeString:
		switch in.Type {
		case indicator.Domain, indicator.Hostname, indicator.URL, indicator.Email, indicator.JA3:
			return base64.StdEncoding.EncodeToString([]byte(in.Value)), true
		}
	case suricatadataset.TypeMD5:
		return in.Value, in.Type == indicator.MD5
	case suricatadataset.TypeSHA1:
		return in.Value, in.Type == indicator.SHA1
	case suricatadataset.TypeSHA256:
		return in.Value, in.Type == indicator.SHA256
	case suricatadataset.TypeIP:
		return in.Value, in.Type == indicator.IPv4 || in.Type == indicator.IPv6
	case suricatadataset.TypeIPv4:
		return in.Value, in.Type == indicator.IPv4
	}
	return "", false
}

// fuzzDatasetLine checks one line as Suricata parses a value of typ.
func fuzzDatasetLine(typ, line string) error {
	hexLen := map[string]int{suricatadataset.TypeMD5: 32, suricatadataset.TypeSHA1: 40, suricatadataset.TypeSHA256: 64}
	switch typ {
	case suricatadataset.TypeString:
		_, err := base64.StdEncoding.Strict().DecodeString(line)
		return err
	case suricatadataset.TypeIP, suricatadataset.TypeIPv4:
		a, err := netip.ParseAddr(line)
		if err != nil {
			return err
		}
		if typ == suricatadataset.TypeIPv4 && !a.Is4() {
			return fmt.Errorf("not an IPv4 address")
		}
		return nil
	}
	if len(line) != hexLen[typ] || strings.Trim(line, "0123456789abcdef") != "" {
		return fmt.Errorf("not %d lower-case hex digits", hexLen[typ])
	}
	return nil
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

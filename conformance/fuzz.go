package conformance

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/internal/harness"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// Fuzz inputs are bounded so that every one renders in milliseconds:
// fuzzMaxRecords MISP attributes, expanding into at most
// fuzzMaxIndicators indicators (an ipv4ext /16 gives 65,536).
const (
	fuzzMaxRecords    = 64
	fuzzMaxIndicators = 4096
)

// fuzzGenerated is the snapshot time of FuzzRequest.
var fuzzGenerated = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// DataTypesFor returns the route data types that yield at least one type
// the renderer takes, in indicator.DataTypes order.
func DataTypesFor(info renderers.Info) []indicator.DataType {
	types := indicator.SetOf(info.Types...)
	var out []indicator.DataType
	for _, dt := range indicator.DataTypes() {
		if dt.Yields&types != 0 {
			out = append(out, dt)
		}
	}
	return out
}

// SampleRecords returns the raw SampleAttributes values of dt's MISP types
// as fuzz records (see FromRecords).
func SampleRecords(dt indicator.DataType) string {
	var recs []string
	for _, a := range harness.SampleAttributes() {
		if j := slices.Index(dt.MISPTypes, a.Type); j >= 0 {
			// j+len picks type j like j does, and is never the NUL
			// that separates records.
			recs = append(recs, string([]byte{byte(j + len(dt.MISPTypes))})+a.Value)
		}
	}
	return strings.Join(recs, "\x00")
}

// AddFuzzSeeds adds the seed (i, o, SampleRecords(dts[i])) for every data
// type i and option set o < optionSets, for a fuzz target taking
// (dtSel, optSel uint8, records string).
func AddFuzzSeeds(f *testing.F, dts []indicator.DataType, optionSets int) {
	for i, dt := range dts {
		recs := SampleRecords(dt)
		for o := range optionSets {
			f.Add(uint8(i), uint8(o), recs)
		}
	}
}

// FromRecords builds a renderer's input from fuzz records the way the
// service does: NUL-separated records, each a byte choosing one of dt's
// MISP types followed by the raw value, go through dt's Extractor and
// indicator.Normalize, and only the types info lists are kept. At most 64
// records and 4,096 indicators are used.
func FromRecords(dt indicator.DataType, info renderers.Info, records string) []indicator.Indicator {
	if len(dt.MISPTypes) == 0 {
		return nil
	}
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

// FromValues builds canonical indicators from raw values of the first
// MISP type of the named route data type, through its Extractor and
// indicator.Normalize; values that do not parse are left out. It returns
// nil for an unknown data type.
func FromValues(dataType string, values ...string) []indicator.Indicator {
	dt, ok := indicator.LookupDataType(dataType)
	if !ok || len(dt.MISPTypes) == 0 {
		return nil
	}
	x := indicator.NewExtractor(dt, 0)
	var ins []indicator.Indicator
	for i, v := range values {
		ins = x.Add(ins, indicator.Attribute{
			Type:      dt.MISPTypes[0],
			Value:     v,
			Category:  "Network activity",
			UUID:      fmt.Sprintf("00000000-0000-4000-8000-%012d", i),
			EventID:   1,
			Timestamp: 1767225600,
			ToIDS:     true,
		})
	}
	return indicator.Normalize(ins)
}

// FuzzRequest is the request fuzz targets render with: a fixed site, feed
// and snapshot time, the given data type and options.
func FuzzRequest(dataType string, opts map[string]string) renderers.Request {
	return renderers.Request{Site: "misp.example.net", Feed: "block", DataType: dataType, Generated: fuzzGenerated, Options: opts}
}

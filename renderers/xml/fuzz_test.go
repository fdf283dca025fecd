package xml_test

import (
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	cxml "github.com/cratos-project/cratos/renderers/xml"
)

// FuzzRender checks that encoding/xml (strict) reads the output as one
// root element named after the data type holding one <entry> per value,
// in order, with exactly the text of the value; values XML 1.0 cannot
// carry are reported as dropped instead.
func FuzzRender(f *testing.F) {
	r := cxml.Renderer{}
	info := r.Info()
	dts := fuzzDataTypes(info)
	fuzzSeeds(f, dts, 1)
	f.Fuzz(func(t *testing.T, dtSel, _ uint8, records string) {
		dt := dts[int(dtSel)%len(dts)]
		ins := fuzzInput(dt, info, records)
		got := fuzzRender(t, r, dt, nil, ins)

		var want []string
		wantDrops := map[string]int{}
		for _, in := range ins {
			switch {
			case !utf8.ValidString(in.Value):
				wantDrops[cxml.DropInvalidUTF8]++
			case strings.ContainsFunc(in.Value, func(c rune) bool { return !fuzzXMLChar(c) }):
				wantDrops[cxml.DropForbiddenChar]++
			default:
				want = append(want, in.Value)
			}
		}
		if !maps.Equal(got.Drops, wantDrops) {
			t.Errorf("drops %v, want %v", got.Drops, wantDrops)
		}
		root, entries, err := fuzzParseXML(got.Out)
		if err != nil {
			t.Fatalf("output does not parse: %v\n%q", err, got.Out)
		}
		if root != dt.Name {
			t.Errorf("root element %q, want %q", root, dt.Name)
		}
		if !slices.Equal(entries, want) {
			t.Fatalf("entries differ from the values:\n got %q\nwant %q", entries, want)
		}
	})
}

// fuzzXMLChar reports whether c is a Char of XML 1.0 (production 2).
func fuzzXMLChar(c rune) bool {
	return c == 0x9 || c == 0xa || c == 0xd || c >= 0x20 && c <= 0xd7ff || c >= 0xe000 && c <= 0xfffd || c >= 0x10000 && c <= 0x10ffff
}

// fuzzParseXML reads doc strictly and returns the root element's name and
// the text of each <entry> child; anything else is an error.
func fuzzParseXML(doc []byte) (string, []string, error) {
	d := xml.NewDecoder(strings.NewReader(string(doc)))
	d.Strict = true
	// The original declares encoding='utf8', an alias of UTF-8.
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "utf8") {
			return in, nil
		}
		return nil, fmt.Errorf("unexpected encoding %q", label)
	}
	var (
		root    string
		entries []string
		text    *strings.Builder
		depth   int
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1:
				root = tok.Name.Local
			case depth == 2 && tok.Name.Local == "entry" && len(tok.Attr) == 0:
				text = &strings.Builder{}
			default:
				return "", nil, fmt.Errorf("unexpected element <%s> at depth %d", tok.Name.Local, depth)
			}
		case xml.EndElement:
			if depth == 2 {
				entries = append(entries, text.String())
				text = nil
			}
			depth--
		case xml.CharData:
			if text == nil {
				if depth > 0 || strings.TrimSpace(string(tok)) != "" {
					return "", nil, fmt.Errorf("text %q outside an entry", tok)
				}
				continue
			}
			text.Write(tok)
		case xml.ProcInst, xml.Comment:
		default:
			return "", nil, fmt.Errorf("unexpected token %T", tok)
		}
	}
	if root == "" {
		return "", nil, fmt.Errorf("no root element")
	}
	return root, entries, nil
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

package suricatadataset_test

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
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
	rendertest.Fuzz(f, suricatadataset.Renderer{}, fuzzOptions, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got conformance.Rendered) {
		typ := cmp.Or(req.Options["type"], suricatadataset.ForDataType(req.DataType))
		lines := rendertest.Lines(t, got.Out)
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
		if n := len(lines) + got.DropTotal(); n != len(ins) {
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

package squid_test

import (
	"cmp"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
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
	rendertest.Fuzz(f, squid.Renderer{}, fuzzOptions, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got conformance.Rendered) {
		kind := cmp.Or(req.Options["acl"], squid.ForDataType(req.DataType))
		lines := rendertest.Lines(t, got.Out)
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
			t.Fatalf("no ACL kind for data type %s", req.DataType)
		}
		if n := len(lines) + got.DropTotal(); n != len(ins) {
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

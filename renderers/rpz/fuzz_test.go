package rpz_test

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/rpz"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"origin": "rpz.example.net.", "serial": "7"},
	{"policy": "nodata", "ttl": "5m"},
	{"policy": "cname:walled.example.net."},
}

// fuzzLongOrigin is the 63-octet origin the renderer budgets for when the
// origin option is not set.
var fuzzLongOrigin = strings.Repeat("o", 63) + "."

// FuzzRender checks that github.com/miekg/dns's zone parser reads the
// output under its origin with no error, that it holds the apex SOA and NS
// and then one CNAME per trigger, that every trigger owner is a valid name
// made of letters, digits, '-' and '_' (a wildcard only as "*." before a
// Domain), listed once, and naming an input indicator, and that every
// input is either a trigger or a reported drop.
func FuzzRender(f *testing.F) {
	rendertest.Fuzz(f, rpz.Renderer{}, fuzzOptions, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got rendertest.Rendered) {
		opts := req.Options
		origin := fuzzLongOrigin
		if o := opts["origin"]; o != "" {
			origin = o
		}
		names := map[string]indicator.Type{}
		prefixes := map[netip.Prefix]bool{}
		for _, in := range ins {
			if p, ok := in.Prefix(); ok {
				prefixes[p.Masked()] = true
			} else {
				names[in.Value] = in.Type
			}
		}

		zp := dns.NewZoneParser(strings.NewReader(string(got.Out)), origin, "")
		var soa, ns, triggers int
		seen := map[string]bool{}
		for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
			h := rr.Header()
			if _, valid := dns.IsDomainName(h.Name); !valid {
				t.Fatalf("owner %q is not a valid domain name", h.Name)
			}
			switch rr.(type) {
			case *dns.SOA:
				soa++
				if h.Name != origin {
					t.Fatalf("SOA owner %q, want the apex", h.Name)
				}
				continue
			case *dns.NS:
				ns++
				continue
			case *dns.CNAME:
			default:
				t.Fatalf("unexpected record %s", rr)
			}
			if soa != 1 || ns != 1 {
				t.Fatalf("trigger %q before the apex SOA and NS", h.Name)
			}
			if seen[h.Name] {
				t.Fatalf("owner %q listed twice", h.Name)
			}
			seen[h.Name] = true
			rel, ok := strings.CutSuffix(h.Name, "."+origin)
			if !ok {
				t.Fatalf("owner %q is not below the origin %q", h.Name, origin)
			}
			if err := fuzzTrigger(rel, names, prefixes); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(rel, "*.") {
				triggers++
			}
		}
		if err := zp.Err(); err != nil {
			t.Fatalf("zone does not parse: %v\n%s", err, got.Out)
		}
		if soa != 1 || ns != 1 {
			t.Fatalf("%d SOA and %d NS records, want one each", soa, ns)
		}
		for name := range seen {
			if rel, wild := strings.CutPrefix(name, "*."); wild && !seen[rel] {
				t.Errorf("wildcard %q without its name", name)
			}
		}
		// A wildcard left out (too long, or over a public suffix) is
		// reported, but its name's own trigger is written: it is no
		// indicator dropped.
		wildcardsOnly := got.Drops[rpz.DropWildcardTooLong] + got.Drops[rpz.DropSuffixWildcard]
		if n := triggers + got.DropTotal() - wildcardsOnly; n != len(ins) {
			t.Fatalf("%d triggers + %v dropped, want %d indicators in all\n%s", triggers, got.Drops, len(ins), got.Out)
		}
	})
}

// fuzzTrigger checks one relative owner name: an rpz-ip trigger naming an
// input prefix, or a name (a Domain's with "*." too) from the input.
func fuzzTrigger(rel string, names map[string]indicator.Type, prefixes map[netip.Prefix]bool) error {
	if ip, ok := strings.CutSuffix(rel, ".rpz-ip"); ok {
		p, err := fuzzParseIPTrigger(ip)
		if err != nil {
			return fmt.Errorf("trigger %q: %v", rel, err)
		}
		if !prefixes[p] {
			return fmt.Errorf("trigger %q names %s, which is not in the input", rel, p)
		}
		return nil
	}
	name, wild := strings.CutPrefix(rel, "*.")
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 || strings.Trim(label, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
			return fmt.Errorf("owner %q: label %q needs escaping or is empty", rel, label)
		}
	}
	typ, ok := names[name]
	switch {
	case !ok:
		return fmt.Errorf("owner %q names no input indicator", rel)
	case wild && typ != indicator.Domain:
		return fmt.Errorf("wildcard owner %q for a %s", rel, typ)
	}
	return nil
}

// fuzzParseIPTrigger reads the part of an rpz-ip owner before ".rpz-ip":
// the prefix length, then the address reversed (IPv4 octets, or IPv6
// words with "zz" for the compressed run).
func fuzzParseIPTrigger(s string) (netip.Prefix, error) {
	labels := strings.Split(s, ".")
	bits, err := strconv.Atoi(labels[0])
	if err != nil {
		return netip.Prefix{}, err
	}
	rev := labels[1:]
	slices.Reverse(rev)
	var a netip.Addr
	if len(rev) == 4 && !slices.Contains(rev, "zz") {
		var err error
		if a, err = netip.ParseAddr(strings.Join(rev, ".")); err != nil {
			return netip.Prefix{}, err
		}
	} else {
		var words []string
		for _, w := range rev {
			if w == "zz" {
				for range 8 - (len(rev) - 1) {
					words = append(words, "0")
				}
				continue
			}
			words = append(words, w)
		}
		if len(words) != 8 {
			return netip.Prefix{}, fmt.Errorf("%d IPv6 words", len(words))
		}
		var b [16]byte
		for i, w := range words {
			n, err := strconv.ParseUint(w, 16, 16)
			if err != nil || w != strconv.FormatUint(n, 16) {
				return netip.Prefix{}, fmt.Errorf("word %q is not lower-case hex without leading zeros", w)
			}
			b[2*i], b[2*i+1] = byte(n>>8), byte(n)
		}
		a = netip.AddrFrom16(b)
	}
	p := netip.PrefixFrom(a, bits)
	if !p.IsValid() || p.Masked() != p || bits == 0 {
		return netip.Prefix{}, fmt.Errorf("prefix %s is not a masked prefix of 1 or more bits", p)
	}
	return p, nil
}

package zeek

import (
	"bytes"
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
)

var renderOut = rendertest.BlockOutput(Renderer{})

var ind = rendertest.Of

func TestRows(t *testing.T) {
	const src = "\tcratos-misp.example-block\t"
	cases := []struct {
		name string
		opts map[string]string
		in   indicator.Indicator
		want string // the row after the header
	}{
		{"address", nil, ind(indicator.IPv4, "198.51.100.7"), "198.51.100.7\tIntel::ADDR" + src + "ipv4\t-\n"},
		{"IPv6 net", nil, ind(indicator.IPv6Net, "2001:db8::/32"), "2001:db8::/32\tIntel::SUBNET" + src + "ipv6-net\t-\n"},
		{"domain", nil, ind(indicator.Domain, "bad.example"), "bad.example\tIntel::DOMAIN" + src + "domain\t-\n"},
		{"hostname", nil, ind(indicator.Hostname, "www.bad.example"), "www.bad.example\tIntel::DOMAIN" + src + "hostname\t-\n"},
		{"URL scheme and user info removed", nil, ind(indicator.URL, "https://u:p@bad.example/a?b=c@d"), "bad.example/a?b=c@d\tIntel::URL" + src + "url\t-\n"},
		{"URL without scheme", nil, ind(indicator.URL, "bad.example/x"), "bad.example/x\tIntel::URL" + src + "url\t-\n"},
		{"URL without scheme, a URL in the query", nil, ind(indicator.URL, "bad.example/r?u=http://x.example/"), "bad.example/r?u=http://x.example/\tIntel::URL" + src + "url\t-\n"},
		{"URL without path", nil, ind(indicator.URL, "http://bad.example"), "bad.example/\tIntel::URL" + src + "url\t-\n"},
		{"URL with a query only", nil, ind(indicator.URL, "bad.example?id=1"), "bad.example/?id=1\tIntel::URL" + src + "url\t-\n"},
		{"URL port 80 left out", nil, ind(indicator.URL, "http://bad.example:80/x"), "bad.example/x\tIntel::URL" + src + "url\t-\n"},
		{"URL other port kept", nil, ind(indicator.URL, "https://bad.example:80/x"), "bad.example:80/x\tIntel::URL" + src + "url\t-\n"},
		{"URL on a port also as Zeek 4.2 and later build it", nil, ind(indicator.URL, "http://bad.example:8080/x"),
			"bad.example:8080/x\tIntel::URL" + src + "url\t-\nbad.example:8080:8080/x\tIntel::URL" + src + "url\t-\n"},
		{"URL on an IPv6 host and a port", nil, ind(indicator.URL, "http://[2001:db8::1]:8080"),
			"[2001:db8::1]:8080/\tIntel::URL" + src + "url\t-\n[2001:db8::1]:8080:8080/\tIntel::URL" + src + "url\t-\n"},
		{"URL on an IPv6 host", nil, ind(indicator.URL, "http://[2001:db8::1]/x"), "[2001:db8::1]/x\tIntel::URL" + src + "url\t-\n"},
		{"URL non-ASCII path as Zeek decodes it", nil, ind(indicator.URL, "http://bad.example/straße"), "bad.example/straße\tIntel::URL" + src + "url\t-\n"},
		{"URL escapes decoded as Zeek decodes them", nil, ind(indicator.URL, "http://bad.example/The%20Adventures%2epdf%C3%9F%zz%%41%u00e9%u2142%5c?q=%"),
			"bad.example/The Adventures.pdf\xc3\x9f%zzA\xe9!B\\x5c?q=%\tIntel::URL" + src + "url\t-\n"},
		{"backslash escaped", nil, ind(indicator.URL, `http://bad.example/a\b`), `bad.example/a\x5cb` + "\tIntel::URL" + src + "url\t-\n"},
		{"hash", nil, ind(indicator.SHA256, strings.Repeat("ab", 32)), strings.Repeat("ab", 32) + "\tIntel::FILE_HASH" + src + "sha256\t-\n"},
		{"email", nil, ind(indicator.Email, "a@bad.example"), "a@bad.example\tIntel::EMAIL" + src + "email\t-\n"},
		{"attachment name", nil, ind(indicator.EmailAttachment, "report (1).doc"), "report (1).doc\tIntel::FILE_NAME" + src + "email-attachment\t-\n"},
		{"certificate", nil, ind(indicator.X509SHA1, strings.Repeat("0a", 20)), strings.Repeat("0a", 20) + "\tIntel::CERT_HASH" + src + "x509-sha1\t-\n"},
		{"tab in a value", nil, ind(indicator.EmailAttachment, "a\tb\r\nc"), "a b  c\tIntel::FILE_NAME" + src + "email-attachment\t-\n"},
		{"source option", map[string]string{"source": `misp e42\`}, ind(indicator.IPv4, "198.51.100.7"), "198.51.100.7\tIntel::ADDR\tmisp e42\\x5c\tipv4\t-\n"},
		{"do_notice", map[string]string{"do_notice": "T"}, ind(indicator.IPv4, "198.51.100.7"), "198.51.100.7\tIntel::ADDR" + src + "ipv4\t-\tT\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, drops := renderOut(t, "", tc.opts, []indicator.Indicator{tc.in})
			header := Header + "\n"
			if tc.opts["do_notice"] != "" {
				header = Header + "\tmeta.do_notice\n"
			}
			if want := header + tc.want; out != want {
				t.Errorf("got  %q\nwant %q", out, want)
			}
			if len(drops) != 0 {
				t.Errorf("drops %v", drops)
			}
			if err := realtools.CheckIntel(out); err != nil {
				t.Errorf("CheckIntel: %v", err)
			}
		})
	}
}

// TestNets checks that nets Zeek would match every IPv4 address with are
// left out and reported: Zeek holds IPv4 as IPv4-mapped IPv6, so a net
// holding ::ffff:0:0/96 covers all of IPv4, as a /0 does.
func TestNets(t *testing.T) {
	const src = "\tcratos-misp.example-block\t"
	cases := []struct {
		name  string
		in    []indicator.Indicator
		want  string // the rows after the header
		drops map[string]int
	}{
		{"nets kept", []indicator.Indicator{
			ind(indicator.IPv4Net, "198.51.100.0/24"), ind(indicator.IPv6Net, "::/81"), ind(indicator.IPv6Net, "::/96"),
			ind(indicator.IPv6Net, "2001:db8::/32"),
		}, "198.51.100.0/24\tIntel::SUBNET" + src + "ipv4-net\t-\n" +
			"::/81\tIntel::SUBNET" + src + "ipv6-net\t-\n" +
			"::/96\tIntel::SUBNET" + src + "ipv6-net\t-\n" +
			"2001:db8::/32\tIntel::SUBNET" + src + "ipv6-net\t-\n", nil},
		{"prefix length 0", []indicator.Indicator{
			ind(indicator.IPv4Net, "0.0.0.0/0"), ind(indicator.IPv6Net, "::/0"), ind(indicator.IPv4, "198.51.100.7"),
		}, "198.51.100.7\tIntel::ADDR" + src + "ipv4\t-\n", map[string]int{DropZeroNet: 2}},
		{"IPv6 nets holding the IPv4-mapped block", []indicator.Indicator{
			ind(indicator.IPv6Net, "::/8"), ind(indicator.IPv6Net, "::/80"), ind(indicator.IPv6Net, "::/1"),
			ind(indicator.IPv6Net, "2001:db8::/32"),
		}, "2001:db8::/32\tIntel::SUBNET" + src + "ipv6-net\t-\n", map[string]int{DropMappedNet: 3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, drops := renderOut(t, "", nil, tc.in)
			if want := Header + "\n" + tc.want; out != want {
				t.Errorf("got  %q\nwant %q", out, want)
			}
			rendertest.ExpectDrops(t, drops, tc.drops)
		})
	}
}

func TestStandard(t *testing.T) { rendertest.Standard(t, Renderer{}) }

func TestValidateOptions(t *testing.T) {
	rendertest.CheckOptionCases(t, Renderer{}, []rendertest.OptionCase{
		{Name: "none"},
		{Name: "empty values", Options: map[string]string{"source": "", "do_notice": ""}},
		{Name: "both", Options: map[string]string{"source": "misp", "do_notice": "F"}},
		{Name: "do_notice word", Options: map[string]string{"do_notice": "true"}, WantErr: "option do_notice"},
		{Name: "source unset marker", Options: map[string]string{"source": "-"}, WantErr: "option source"},
		{Name: "source control character", Options: map[string]string{"source": "a\x00b"}, WantErr: "option source"},
		{Name: "source DEL", Options: map[string]string{"source": "a\x7fb"}, WantErr: "option source"},
		{Name: "unknown", Options: map[string]string{"desc": "x"}, WantErr: `unknown option "desc"`},
	})
}

// TestRealTool checks the sample and the real data with the intel file
// reader and counts one row per indicator minus the reported drops.
func TestRealTool(t *testing.T) {
	block := func(opts map[string]string) renderers.Request { return rendertest.BlockRequest("", opts) }
	rendertest.Each(t, Renderer{}, block, rendertest.AndRealData(t, nil,
		rendertest.Case{Name: "sample", In: rendertest.Sample()},
		rendertest.Case{Name: "sample, do_notice", In: rendertest.Sample(), Opts: map[string]string{"do_notice": "T"}},
		rendertest.Case{Name: "tricky", In: indicator.Normalize([]indicator.Indicator{
			ind(indicator.URL, `http://bad.example/a\xb`), ind(indicator.URL, "http://u@bad.example/\t"),
			ind(indicator.EmailAttachment, "a\tb\r\nc"), ind(indicator.EmailAttachment, "-"), ind(indicator.EmailAttachment, "(empty)"),
			ind(indicator.IPv4Net, "0.0.0.0/0"), ind(indicator.IPv6, "::"), ind(indicator.Email, "a\\b@bad.example"),
		}), Opts: map[string]string{"source": `x\y`}},
	), func(t *testing.T, _ map[string]string, in []indicator.Indicator, got rendertest.Rendered) {
		if err := realtools.ZeekCheck(t, string(got.Out)); err != nil {
			t.Fatal(err)
		}
		rendertest.Accounted(t, "rows", strings.Count(string(got.Out), "\n")-1-portRows(string(got.Out)), in, got)
	})
}

// portRows counts the Intel::URL rows that repeat the URL of the row
// before them as Zeek 4.2 and later build it for a request on a port
// other than 80.
func portRows(out string) int {
	n, prev := 0, ""
	for line := range strings.Lines(out) {
		fields := strings.Split(line, "\t")
		if len(fields) < 2 || fields[1] != "Intel::URL" {
			prev = ""
			continue
		}
		if prev != "" && fields[0] == hostHeaderURL(prev) {
			n++
		}
		prev = fields[0]
	}
	return n
}

func BenchmarkRender(b *testing.B) {
	rendertest.Benchmark(b, Renderer{}, renderers.Request{Site: "misp.example", Feed: "block", Generated: rendertest.BlockGenerated})
}

func TestDefaultSourceCleaned(t *testing.T) {
	req := renderers.Request{Site: "misp\texample", Feed: "bl\r\nock", Generated: rendertest.BlockGenerated}
	var buf bytes.Buffer
	if err := (Renderer{}).Render(context.Background(), &buf, req, renderers.Slice([]indicator.Indicator{ind(indicator.IPv4, "198.51.100.7")})); err != nil {
		t.Fatal(err)
	}
	want := Header + "\n198.51.100.7\tIntel::ADDR\tcratos-misp example-bl  ock\tipv4\t-\n"
	if buf.String() != want {
		t.Fatalf("got %q, want %q", buf.String(), want)
	}
}

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"source": "feed\\block #1", "do_notice": "T"},
	{"do_notice": "F"},
}

// FuzzRender checks the output with realtools.CheckIntel (Zeek's ASCII
// reader rules for an Intel::read_files file), that every input is
// either one row that Zeek reads (not a "#" comment) of the right
// Intel::Type, or a reported drop, and that no Intel::SUBNET row is a /0
// or holds the IPv4-mapped block.
func FuzzRender(f *testing.F) {
	rendertest.Fuzz(f, Renderer{}, fuzzOptions, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got rendertest.Rendered) {
		if err := realtools.CheckIntel(string(got.Out)); err != nil {
			t.Fatalf("Zeek would not read the file: %v\n%s", err, got.Out)
		}
		var types []string
		for line := range strings.Lines(string(got.Out)) {
			if line == "\n" || strings.HasPrefix(line, "#") {
				continue
			}
			fields := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
			types = append(types, fields[1])
			if fields[1] == "Intel::SUBNET" {
				p, err := netip.ParsePrefix(fields[0])
				if err == nil && (p.Bits() == 0 || feedlist.HoldsIPv4Mapped(p)) {
					t.Fatalf("row %q matches every IPv4 address in Zeek", line)
				}
			}
		}
		if n := len(types) - portRows(string(got.Out)) + got.DropTotal(); n != len(ins) {
			t.Fatalf("%d rows + %v dropped, want %d indicators in all\n%s", len(types), got.Drops, len(ins), got.Out)
		}
		var want []string
		for _, in := range ins {
			want = append(want, IntelType(in.Type))
		}
		for _, typ := range types {
			if !slices.Contains(want, typ) {
				t.Fatalf("row of type %s, which no input has", typ)
			}
		}
	})
}

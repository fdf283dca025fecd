package suricatadataset

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

var renderOut = rendertest.BlockOutput(Renderer{})

var ind = rendertest.Of

func TestRender(t *testing.T) {
	mixed := []indicator.Indicator{
		ind(indicator.IPv4, "198.51.100.7"), ind(indicator.IPv4Net, "203.0.113.0/24"),
		ind(indicator.IPv6, "2001:db8::7"), ind(indicator.Domain, "bad.example"),
		ind(indicator.MD5, "d41d8cd98f00b204e9800998ecf8427e"),
	}
	rendertest.BlockRows(t, Renderer{}, []rendertest.TypedRow{
		{"string vector", "domain", nil, []indicator.Indicator{ind(indicator.Domain, "bad.example")}, "YmFkLmV4YW1wbGU=\n", nil},
		{"string of UTF-8", "url", nil, []indicator.Indicator{ind(indicator.URL, "http://b.example/straße")}, "aHR0cDovL2IuZXhhbXBsZS9zdHJhw59l\n", nil},
		{"ipv4 from the data type", "ipv4", nil, mixed[:2], "198.51.100.7\n",
			map[string]int{"net in a dataset of type ipv4, which holds addresses only": 1}},
		{"ip from the first indicator", "", nil, mixed, "198.51.100.7\n2001:db8::7\n", map[string]int{
			"net in a dataset of type ip, which holds addresses only": 1,
			"domain value in a dataset of type ip":                    1,
			"md5 value in a dataset of type ip":                       1,
		}},
		{"md5 forced", "", map[string]string{"type": "md5"}, mixed, "d41d8cd98f00b204e9800998ecf8427e\n", map[string]int{
			"ipv4 value in a dataset of type md5":     1,
			"ipv4-net value in a dataset of type md5": 1,
			"ipv6 value in a dataset of type md5":     1,
			"domain value in a dataset of type md5":   1,
		}},
		{"ipv4 forced drops IPv6", "ipv6", map[string]string{"type": "ipv4"}, []indicator.Indicator{ind(indicator.IPv6, "2001:db8::7")}, "",
			map[string]int{"ipv6 value in a dataset of type ipv4": 1}},
		{"sha1 list", "file-sha1", nil, []indicator.Indicator{ind(indicator.SHA1, strings.Repeat("a", 40))}, strings.Repeat("a", 40) + "\n", nil},
		{"ja3 as string", "ja3", nil, []indicator.Indicator{ind(indicator.JA3, "e7d705a3286e19ea42f587b344ee6865")}, "ZTdkNzA1YTMyODZlMTllYTQyZjU4N2IzNDRlZTY4NjU=\n", nil},
		{"longest string", "url", nil, []indicator.Indicator{ind(indicator.URL, longURL(MaxString))},
			base64.StdEncoding.EncodeToString([]byte(longURL(MaxString))) + "\n", nil},
		{"string past Suricata's line buffer", "url", nil, []indicator.Indicator{ind(indicator.URL, longURL(MaxString+1))}, "",
			map[string]int{DropLongString: 1}},
		{"empty", "domain", nil, nil, "", nil},
	})
}

// longURL returns a URL of n bytes.
func longURL(n int) string {
	const head = "http://bad.example/"
	return head + strings.Repeat("a", n-len(head))
}

func TestStandard(t *testing.T) { rendertest.Standard(t, Renderer{}) }

func TestValidateOptions(t *testing.T) {
	rendertest.CheckOptionCases(t, Renderer{}, []rendertest.OptionCase{
		{Name: "none"},
		{Name: "empty type", Options: map[string]string{"type": ""}},
		{Name: "each type", Options: map[string]string{"type": "sha256"}},
		{Name: "bad type", Options: map[string]string{"type": "sha512"}, WantErr: `renderer suricata-dataset: option type: want one of string, md5, sha1, sha256, ip, ipv4; got "sha512"`},
		{Name: "unknown", Options: map[string]string{"name": "x"}, WantErr: `unknown option "name"`},
	})
}

// TestRealTool loads each dataset type through a Suricata rule, for the
// sample and the real data, and checks that every value fitting the type
// is listed once.
func TestRealTool(t *testing.T) {
	real, _ := rendertest.RealData(t)
	inputs := []struct {
		name string
		in   []indicator.Indicator
	}{{"sample", rendertest.Sample()}, {"tricky", indicator.Normalize([]indicator.Indicator{
		ind(indicator.URL, "http://bad.example/straße?q=\"x\";|"), ind(indicator.Domain, "xn--bcher-kva.example"),
		ind(indicator.IPv4, "0.0.0.0"), ind(indicator.IPv4, "255.255.255.255"), ind(indicator.IPv6, "::"), ind(indicator.IPv6, "::ffff:0:c000:201"),
		ind(indicator.IPv4Net, "10.0.0.0/8"), ind(indicator.MD5, strings.Repeat("0", 32)), ind(indicator.SHA256, strings.Repeat("f", 64)),
	})}, {"real data", real}}
	kinds := []struct {
		typ, rule string
		types     []indicator.Type
	}{
		{TypeString, "dns $HOME_NET any -> any any (msg:\"set\"; dns.query; dataset:isset,cratos-set,type string,load set.lst,memcap 256mb,hashsize 65536;",
			[]indicator.Type{indicator.Domain, indicator.Hostname, indicator.URL, indicator.Email, indicator.JA3}},
		{TypeMD5, "http any any -> any any (msg:\"set\"; file.data; to_md5; dataset:isset,cratos-set,type md5,load set.lst;", []indicator.Type{indicator.MD5}},
		{TypeSHA256, "http any any -> any any (msg:\"set\"; file.data; to_sha256; dataset:isset,cratos-set,type sha256,load set.lst;", []indicator.Type{indicator.SHA256}},
		{TypeIP, "ip any any -> any any (msg:\"set\"; ip.dst; dataset:isset,cratos-set,type ip,load set.lst;", []indicator.Type{indicator.IPv4, indicator.IPv6}},
		{TypeIPv4, "ip any any -> any any (msg:\"set\"; ip.dst; dataset:isset,cratos-set,type ipv4,load set.lst;", []indicator.Type{indicator.IPv4}},
	}
	for _, input := range inputs {
		for _, k := range kinds {
			t.Run(input.name+"/"+k.typ, func(t *testing.T) {
				if input.name == "real data" && testing.Short() {
					t.Skip("real data skipped in -short mode")
				}
				in := rendertest.OfTypes(input.in, info.Types...)
				out, drops := renderOut(t, "", map[string]string{"type": k.typ}, in)
				rules := "alert " + k.rule + " classtype:trojan-activity; sid:1; rev:1;)\n"
				if err := realtools.SuricataTest(t, rules, map[string][]byte{"set.lst": []byte(out)}); err != nil {
					t.Fatal(err)
				}
				dropped := 0
				for _, n := range drops {
					dropped += n
				}
				fit := 0
				for _, x := range rendertest.OfTypes(in, k.types...) {
					if _, ok := fuzzDatasetValue(k.typ, x); ok {
						fit++
					}
				}
				if lines := strings.Count(out, "\n"); lines != fit || lines != len(in)-dropped {
					t.Fatalf("%d lines, want %d values of the type and %d indicators minus %d dropped", lines, fit, len(in), dropped)
				}
				if k.typ == TypeString {
					for line := range strings.Lines(out) {
						if _, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(line, "\n")); err != nil {
							t.Fatalf("line %q: %v", line, err)
						}
					}
				}
				t.Logf("%d values", fit)
			})
		}
	}
}

// TestReadmeRuleAnyCase runs the README's dns rule in a real Suricata over
// DNS queries for a listed name: the query matches whatever the case of
// its letters (DNS names are case-insensitive), and only the listed name
// itself matches.
func TestReadmeRuleAnyCase(t *testing.T) {
	var rule string
	for line := range strings.Lines(readme) {
		if strings.HasPrefix(line, "alert dns ") {
			rule = line
		}
	}
	out, _ := renderOut(t, "domain", nil, []indicator.Indicator{ind(indicator.Domain, "bad.example")})
	set := filepath.Join(t.TempDir(), "cratos-names.lst")
	if err := os.WriteFile(set, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	rule = strings.Replace(rule, "load cratos-names.lst", "load "+set, 1)
	queries := []string{"bad.example.", "BAD.Example.", "www.bad.example.", "notbad.example."}
	var convs [][]realtools.Segment
	for _, q := range queries {
		convs = append(convs, dnsQuery(t, q))
	}
	alerts, err := realtools.SuricataAlerts(t, rule, realtools.TCPCapture(53, convs...))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range alerts {
		got = append(got, queries[a.SrcPort-40000])
	}
	if want := queries[:2]; !slices.Equal(got, want) {
		t.Fatalf("alerts for %q, want %q", got, want)
	}
}

// dnsQuery is a client's DNS query for an A record of name over TCP.
func dnsQuery(t *testing.T, name string) []realtools.Segment {
	m := new(dns.Msg)
	m.SetQuestion(name, dns.TypeA)
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return []realtools.Segment{{Client: true, Data: string(binary.BigEndian.AppendUint16(nil, uint16(len(b)))) + string(b)}}
}

func BenchmarkRender(b *testing.B) {
	rendertest.BenchmarkEach(b, Renderer{}, func(typ string) renderers.Request {
		return renderers.Request{Options: map[string]string{"type": typ}, Generated: rendertest.BlockGenerated}
	}, []rendertest.BenchCase{
		{TypeString, TypeString, []indicator.Type{indicator.Domain, indicator.Hostname, indicator.URL}},
		{TypeIP, TypeIP, []indicator.Type{indicator.IPv4, indicator.IPv6}},
	})
}

// FuzzRender checks that every line is a value Suricata's dataset of that
// type loads (base64 for string, lower-case hex of the right length for
// hashes, an address for ip and ipv4), that the lines are the values that
// fit the type, in order (a hash list of none holds its placeholder), and
// that the others are reported dropped.
func FuzzRender(f *testing.F) {
	rendertest.FuzzKinds(f, Renderer{}, "type", []string{TypeString, TypeIP, TypeSHA256}, ForDataType, func(t *testing.T, typ string, ins []indicator.Indicator, got rendertest.Rendered) {
		lines := rendertest.Lines(t, got.Out)
		var want []string
		for _, in := range ins {
			if v, ok := fuzzDatasetValue(typ, in); ok {
				want = append(want, v)
			}
		}
		listed := len(want)
		if p := Placeholder(typ); listed == 0 && p != "" {
			want = append(want, strings.TrimSuffix(p, "\n"))
		}
		for i, l := range lines {
			if err := fuzzDatasetLine(typ, l); err != nil {
				t.Fatalf("line %d %q: %v", i+1, l, err)
			}
		}
		if !slices.Equal(lines, want) {
			t.Fatalf("lines differ:\n got %q\nwant %q", lines, want)
		}
		rendertest.AddsUp(t, listed, nil, ins, got)
	})
}

// fuzzDatasetValue is the line in gives in a dataset of type typ, if it
// fits.
func fuzzDatasetValue(typ string, in indicator.Indicator) (string, bool) {
	switch typ {
	case TypeString:
		switch in.Type {
		case indicator.Domain, indicator.Hostname, indicator.URL, indicator.Email, indicator.JA3:
			return base64.StdEncoding.EncodeToString([]byte(in.Value)), true
		}
	case TypeMD5:
		return in.Value, in.Type == indicator.MD5
	case TypeSHA1:
		return in.Value, in.Type == indicator.SHA1
	case TypeSHA256:
		return in.Value, in.Type == indicator.SHA256
	case TypeIP:
		return in.Value, in.Type == indicator.IPv4 || in.Type == indicator.IPv6 && !ipv4Alias(in.Value)
	case TypeIPv4:
		return in.Value, in.Type == indicator.IPv4
	}
	return "", false
}

// fuzzDatasetLine checks one line as Suricata parses a value of typ.
func fuzzDatasetLine(typ, line string) error {
	hexLen := map[string]int{TypeMD5: 32, TypeSHA1: 40, TypeSHA256: 64}
	switch typ {
	case TypeString:
		_, err := base64.StdEncoding.Strict().DecodeString(line)
		return err
	case TypeIP, TypeIPv4:
		a, err := netip.ParseAddr(line)
		if err != nil {
			return err
		}
		if typ == TypeIPv4 && !a.Is4() {
			return fmt.Errorf("not an IPv4 address")
		}
		return nil
	}
	if len(line) != hexLen[typ] || strings.Trim(line, "0123456789abcdef") != "" {
		return fmt.Errorf("not %d lower-case hex digits", hexLen[typ])
	}
	return nil
}

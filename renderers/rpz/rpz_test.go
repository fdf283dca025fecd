package rpz

import (
	"cmp"
	"context"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

func request(opts map[string]string, drops map[string]int) renderers.Request {
	req := rendertest.BlockRequest("domain", opts)
	req.Dropped = func(reason string, n int) { drops[reason] += n }
	return req
}

var renderOut = rendertest.BlockOutput(Renderer{})

var ind = rendertest.Of

// triggers returns the lines after the SOA and NS records.
func triggers(out string) []string {
	var ts []string
	for line := range strings.Lines(out) {
		line = strings.TrimSuffix(line, "\n")
		if line == "" || line[0] == ';' || line[0] == '$' || line[0] == '@' {
			continue
		}
		ts = append(ts, line)
	}
	return ts
}

func TestAppendIPTrigger(t *testing.T) {
	cases := []struct{ in, want string }{
		{"198.51.100.7/32", "32.7.100.51.198.rpz-ip"},
		{"203.0.113.9/24", "24.0.113.0.203.rpz-ip"},
		{"2001:db8::7/128", "128.7.zz.db8.2001.rpz-ip"},
		{"2001:db8::/32", "32.zz.db8.2001.rpz-ip"},
		{"2001:db8:0:0:1:0:0:1/128", "128.1.0.0.1.zz.db8.2001.rpz-ip"},
		{"2001:db8:0:1:0:0:0:1/128", "128.1.zz.1.0.db8.2001.rpz-ip"},
		{"2001:db8:1:0:1:2:3:4/128", "128.4.3.2.1.0.1.db8.2001.rpz-ip"},
		{"::1/128", "128.1.zz.rpz-ip"},
		{"::/1", "1.zz.rpz-ip"},
		{"fe80::/10", "10.zz.fe80.rpz-ip"},
		{"64:ff9b::192.0.2.33/128", "128.221.c000.zz.ff9b.64.rpz-ip"},
		{"0.0.0.0/1", "1.0.0.0.0.rpz-ip"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got := string(AppendIPTrigger(nil, netip.MustParsePrefix(tc.in)))
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRender(t *testing.T) {
	cases := []struct {
		name  string
		opts  map[string]string
		in    []indicator.Indicator
		want  []string
		drops map[string]int
	}{
		{"domain and wildcard", nil, []indicator.Indicator{ind(indicator.Domain, "bad.example")},
			[]string{"bad.example CNAME .", "*.bad.example CNAME ."}, nil},
		{"hostname exact", nil, []indicator.Indicator{ind(indicator.Hostname, "login.bad.example")},
			[]string{"login.bad.example CNAME ."}, nil},
		{"addresses and nets", nil, []indicator.Indicator{ind(indicator.IPv4, "198.51.100.7"), ind(indicator.IPv6Net, "2001:db8::/32")},
			[]string{"32.7.100.51.198.rpz-ip CNAME .", "32.zz.db8.2001.rpz-ip CNAME ."}, nil},
		{"address and its /32", nil, []indicator.Indicator{ind(indicator.IPv4, "192.0.2.1"), ind(indicator.IPv4Net, "192.0.2.1/32")},
			[]string{"32.1.2.0.192.rpz-ip CNAME ."}, map[string]int{"address listed both as an address and as a full-length net": 1}},
		{"zero prefix", nil, []indicator.Indicator{ind(indicator.IPv4Net, "0.0.0.0/0")},
			nil, map[string]int{"prefix length 0 (rpz-ip triggers need 1 or more)": 1}},
		{"hostname also a domain", nil, []indicator.Indicator{ind(indicator.Domain, "bad.example"), ind(indicator.Hostname, "bad.example")},
			[]string{"bad.example CNAME .", "*.bad.example CNAME ."}, map[string]int{"hostname also listed as a domain": 1}},
		{"public suffix: no wildcard", nil, []indicator.Indicator{ind(indicator.Domain, "co.uk"), ind(indicator.Domain, "bad.co.uk"), ind(indicator.Hostname, "co.uk")},
			[]string{"co.uk CNAME .", "bad.co.uk CNAME .", "*.bad.co.uk CNAME ."},
			map[string]int{DropSuffixWildcard: 1, "hostname also listed as a domain": 1}},
		{"names under a listed domain", nil, []indicator.Indicator{ind(indicator.Domain, "a.b.bad.example"), ind(indicator.Domain, "bad.example"),
			ind(indicator.Domain, "co.uk"), ind(indicator.Domain, "x.co.uk"), ind(indicator.Hostname, "login.bad.example"), ind(indicator.Hostname, "notbad.example")},
			[]string{"bad.example CNAME .", "*.bad.example CNAME .", "co.uk CNAME .", "x.co.uk CNAME .", "*.x.co.uk CNAME .", "notbad.example CNAME ."},
			map[string]int{DropCovered: 2, DropSuffixWildcard: 1}},
		{"master-file special", nil, []indicator.Indicator{ind(indicator.Hostname, "a;b.example"), ind(indicator.Hostname, "a b.example")},
			nil, map[string]int{"name with characters a master file cannot carry unescaped": 2}},
		{"trigger labels", nil, []indicator.Indicator{ind(indicator.Hostname, "1.0.0.0.0.rpz-client-ip"), ind(indicator.Domain, "com.rpz-nsdname"),
			ind(indicator.Hostname, "24.0.2.0.192.rpz-nsip"), ind(indicator.Hostname, "32.7.100.51.198.RPZ-IP"), ind(indicator.Hostname, "rpz-ip.example")},
			[]string{"rpz-ip.example CNAME ."}, map[string]int{DropTriggerLabel: 4}},
		{"policy nodata", map[string]string{"policy": "nodata"}, []indicator.Indicator{ind(indicator.Hostname, "x.example")}, []string{"x.example CNAME *."}, nil},
		{"policy passthru", map[string]string{"policy": "passthru"}, []indicator.Indicator{ind(indicator.Hostname, "x.example")}, []string{"x.example CNAME rpz-passthru."}, nil},
		{"policy drop", map[string]string{"policy": "drop"}, []indicator.Indicator{ind(indicator.Hostname, "x.example")}, []string{"x.example CNAME rpz-drop."}, nil},
		{"policy tcp-only", map[string]string{"policy": "tcp-only"}, []indicator.Indicator{ind(indicator.Hostname, "x.example")}, []string{"x.example CNAME rpz-tcp-only."}, nil},
		{"policy cname", map[string]string{"policy": "cname:garden.example."}, []indicator.Indicator{ind(indicator.Hostname, "x.example")}, []string{"x.example CNAME garden.example."}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, drops := renderOut(t, "domain", tc.opts, tc.in)
			if got := triggers(out); !slices.Equal(got, tc.want) {
				t.Errorf("triggers:\n got %q\nwant %q", got, tc.want)
			}
			rendertest.ExpectDrops(t, drops, tc.drops)
		})
	}
}

// TestNameBudget: a name too long for the zone origin is left out; a
// Domain whose "*." trigger alone is too long keeps its own trigger.
func TestNameBudget(t *testing.T) {
	// 240 octets: fits an origin of 12 octets (240 + 12 ≤ 252), and with
	// "*." an origin of 10.
	name := strings.Repeat(strings.Repeat("a", 59)+".", 4)[:232] + ".example"
	tooLong := map[string]int{DropTooLong: 1}
	cases := []struct {
		name   string
		origin string
		t      indicator.Type
		want   []string
		drops  map[string]int
	}{
		{"hostname under a 12-octet origin", "rpz.x.example", indicator.Hostname, nil, tooLong},
		{"hostname under a 12-octet origin", "rpz.example1", indicator.Hostname, []string{name}, nil},
		{"domain without room for the wildcard", "rpz.example1", indicator.Domain, []string{name}, map[string]int{DropWildcardTooLong: 1}},
		{"domain too long for its own trigger", "rpz.x.example", indicator.Domain, nil, tooLong},
		{"domain under a 10-octet origin", "rpz.exampl", indicator.Domain, []string{name, "*." + name}, nil},
		{"default budget (63-octet origin)", "", indicator.Hostname, nil, tooLong},
	}
	for _, tc := range cases {
		t.Run(tc.name+" "+tc.origin, func(t *testing.T) {
			out, drops := renderOut(t, "domain", map[string]string{"origin": tc.origin}, []indicator.Indicator{ind(tc.t, name)})
			var owners []string
			for _, tr := range triggers(out) {
				owners = append(owners, strings.Fields(tr)[0])
			}
			if !slices.Equal(owners, tc.want) {
				t.Errorf("owners %q, want %q", owners, tc.want)
			}
			rendertest.ExpectDrops(t, drops, tc.drops)
		})
	}
}

func TestHeader(t *testing.T) {
	cases := []struct {
		name string
		opts map[string]string
		want string
	}{
		{"defaults", nil, "; Generated by Cratos for misp.example/block/domain at 2026-01-02T03:04:05Z\n$TTL 300\n" +
			"@ SOA localhost. hostmaster.localhost. 1767323045 3600 900 2592000 300\n@ NS localhost.\n"},
		{"options", map[string]string{"serial": "42", "ttl": "5m", "ns": "ns1.example.", "mname": "primary.example.", "rname": "dns.example.",
			"refresh": "1h", "retry": "15m", "expire": "1w2d", "minimum": "30"},
			"; Generated by Cratos for misp.example/block/domain at 2026-01-02T03:04:05Z\n$TTL 300\n" +
				"@ SOA primary.example. dns.example. 42 3600 900 777600 30\n@ NS ns1.example.\n"},
		{"ns is the default mname", map[string]string{"ns": "ns1.example."}, "; Generated by Cratos for misp.example/block/domain at 2026-01-02T03:04:05Z\n$TTL 300\n" +
			"@ SOA ns1.example. hostmaster.localhost. 1767323045 3600 900 2592000 300\n@ NS ns1.example.\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := renderOut(t, "domain", tc.opts, nil)
			if out != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", out, tc.want)
			}
		})
	}
}

func TestFallbackSerial(t *testing.T) {
	cases := []struct {
		name string
		at   time.Time
		want uint32
	}{
		{"unix time", rendertest.BlockGenerated, 1767323045},
		{"zero time", time.Time{}, 1},
		{"after 2106", time.Date(2107, 1, 1, 0, 0, 0, 0, time.UTC), 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := FallbackSerial(tc.at); got != tc.want {
				t.Fatalf("got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestRecordsMatchRender(t *testing.T) {
	in := rendertest.Sample()
	opts := map[string]string{"serial": "7", "policy": "drop"}
	out, rdrops := renderOut(t, "domain", opts, in)
	drops := map[string]int{}
	recs, err := Records(context.Background(), request(opts, drops), renderers.Filter(renderers.Slice(in), indicator.SetOf(info.Types...)))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range recs {
		lines = append(lines, r.Owner+" "+r.Type+" "+r.Data)
		if r.TTL != DefaultTTL {
			t.Fatalf("record %v: TTL %d", r, r.TTL)
		}
	}
	var want []string
	for line := range strings.Lines(out) {
		if line[0] != ';' && line[0] != '$' {
			want = append(want, strings.TrimSuffix(line, "\n"))
		}
	}
	if !slices.Equal(lines, want) {
		t.Fatalf("records:\n%s\nrendered:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if !maps.Equal(drops, rdrops) {
		t.Fatalf("drops %v, render drops %v", drops, rdrops)
	}
}

func TestStandard(t *testing.T) { rendertest.Standard(t, Renderer{}) }

func TestValidateOptions(t *testing.T) {
	rendertest.CheckOptionCases(t, Renderer{}, []rendertest.OptionCase{
		{Name: "none"},
		{Name: "empty optional values", Options: map[string]string{"serial": "", "origin": "", "mname": ""}},
		{Name: "serial max", Options: map[string]string{"serial": "4294967295"}},
		{Name: "serial zero", Options: map[string]string{"serial": "0"}, WantErr: "option serial"},
		{Name: "serial too large", Options: map[string]string{"serial": "4294967296"}, WantErr: "option serial"},
		{Name: "origin with dot", Options: map[string]string{"origin": "rpz.local."}},
		{Name: "origin bad", Options: map[string]string{"origin": "rpz local"}, WantErr: "option origin"},
		{Name: "ttl units", Options: map[string]string{"ttl": "1h30m"}},
		{Name: "ttl negative", Options: map[string]string{"ttl": "-1"}, WantErr: "option ttl"},
		{Name: "ttl unit unknown", Options: map[string]string{"ttl": "5y"}, WantErr: "option ttl"},
		{Name: "ttl too large", Options: map[string]string{"ttl": "2147483648"}, WantErr: "option ttl"},
		{Name: "expire too large", Options: map[string]string{"expire": "100000w"}, WantErr: "option expire"},
		{Name: "ns without dot", Options: map[string]string{"ns": "localhost"}, WantErr: "option ns"},
		{Name: "rname with space", Options: map[string]string{"rname": "a b."}, WantErr: "option rname"},
		{Name: "policy unknown", Options: map[string]string{"policy": "block"}, WantErr: "option policy"},
		{Name: "cname without dot", Options: map[string]string{"policy": "cname:garden.example"}, WantErr: "option policy"},
		{Name: "cname wildcard", Options: map[string]string{"policy": "cname:*.garden.example."}},
		{Name: "unknown", Options: map[string]string{"zone": "x"}, WantErr: `unknown option "zone"`},
	})
}

// TestRealTool loads zones into named-checkzone and a real named as a
// response-policy zone, and checks that the zone holds one trigger per
// indicator plus one wildcard per domain, minus the reported drops.
// tricky holds edge cases for the real-tool run: the longest names the
// rpz.local budget allows and one octet more, 63-octet labels,
// underscores, and IPv6 prefixes whose canonical form is easy to get wrong.
func tricky() []indicator.Indicator {
	label := strings.Repeat("l", 63)
	fit := label + "." + label + "." + label + "." + strings.Repeat("m", 43) // 235 octets
	in := []indicator.Indicator{
		ind(indicator.Hostname, fit+".example"), ind(indicator.Hostname, fit+"x.example"), // 243 fits, 244 does not
		ind(indicator.Domain, fit[2:]+".example"), ind(indicator.Domain, fit[1:]+".example"), // 241 (+2) fits, 242 only without "*."
		ind(indicator.Domain, "_dmarc.bad.example"), ind(indicator.Hostname, "-lead.bad.example"), ind(indicator.Hostname, "x.bad.example"),
		ind(indicator.Domain, "bad.example"), ind(indicator.Hostname, "bad.example"),
		ind(indicator.IPv4Net, "0.0.0.0/1"), ind(indicator.IPv4Net, "0.0.0.0/0"), ind(indicator.IPv4, "0.0.0.0"), ind(indicator.IPv4, "255.255.255.255"),
		ind(indicator.IPv6, "::"), ind(indicator.IPv6, "::1"), ind(indicator.IPv6Net, "::/1"), ind(indicator.IPv6Net, "8000::/1"),
		ind(indicator.IPv6, "1::"), ind(indicator.IPv6, "1:0:0:1::"), ind(indicator.IPv6, "1::1:0:0:1"), ind(indicator.IPv6, "0:1:0:1:0:1:0:1"),
		ind(indicator.IPv6, "2001:db8::1:0:0:1"), ind(indicator.IPv6, "2001:db8:0:1::1"), ind(indicator.IPv6Net, "2001:db8:0:1::/127"),
		ind(indicator.IPv6, "64:ff9b::c000:221"), ind(indicator.IPv6, "::ffff:0:c000:201"),
	}
	return indicator.Normalize(in)
}

func TestRealTool(t *testing.T) {
	long := "rpz." + strings.Repeat("z", 50) + ".example"
	sample := rendertest.Sample()
	block := func(opts map[string]string) renderers.Request { return rendertest.BlockRequest("domain", opts) }
	rendertest.Each(t, Renderer{}, block, rendertest.AndRealData(t, map[string]string{"origin": "rpz.local"},
		rendertest.Case{Name: "sample", In: sample},
		rendertest.Case{Name: "sample, origin budget", In: sample, Opts: map[string]string{"origin": "rpz.local"}},
		rendertest.Case{Name: "sample, long origin budget", In: sample, Opts: map[string]string{"origin": long}},
		rendertest.Case{Name: "sample, nodata", In: sample, Opts: map[string]string{"policy": "nodata"}},
		rendertest.Case{Name: "sample, passthru", In: sample, Opts: map[string]string{"policy": "passthru"}},
		rendertest.Case{Name: "sample, drop", In: sample, Opts: map[string]string{"policy": "drop"}},
		rendertest.Case{Name: "sample, tcp-only", In: sample, Opts: map[string]string{"policy": "tcp-only"}},
		rendertest.Case{Name: "sample, cname", In: sample, Opts: map[string]string{"policy": "cname:*.garden.example.", "serial": "4294967295"}},
		rendertest.Case{Name: "tricky", In: tricky(), Opts: map[string]string{"origin": "rpz.local"}},
		rendertest.Case{Name: "tricky, cname", In: tricky(), Opts: map[string]string{"origin": "rpz.local", "policy": "cname:garden.example."}},
	), func(t *testing.T, opts map[string]string, in []indicator.Indicator, got rendertest.Rendered) {
		out := string(got.Out)
		if err := realtools.CheckZone(t, cmp.Or(opts["origin"], "rpz.local"), out); err != nil {
			t.Fatal(err)
		}
		domains := 0
		for _, i := range in {
			if i.Type == indicator.Domain {
				domains++
			}
		}
		// Dropped domains lose their wildcard too; a wildcard left out
		// alone drops no indicator.
		wild := strings.Count(out, "\n*.")
		kept := len(in) - got.DropTotal() + got.Drops[DropWildcardTooLong] + got.Drops[DropSuffixWildcard]
		if n := len(triggers(out)) - wild; n != kept || wild > domains {
			t.Fatalf("%d triggers and %d wildcards, want %d triggers and at most %d wildcards (drops %v)", n, wild, kept, domains, got.Drops)
		}
		t.Logf("%d indicators, %d records, drops %v", len(in), len(triggers(out)), got.Drops)
	})
}

func BenchmarkRender(b *testing.B) {
	rendertest.Benchmark(b, Renderer{}, rendertest.BlockRequest("", nil))
}

package suricata

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

var renderOut = rendertest.BlockOutput(Renderer{})

var ind = rendertest.Of

// rules returns the rule lines of out.
func rules(out string) []string {
	var rs []string
	for line := range strings.Lines(out) {
		if line = strings.TrimSuffix(line, "\n"); line != "" && line[0] != '#' {
			rs = append(rs, line)
		}
	}
	return rs
}

var sidRE = regexp.MustCompile(`; sid:(\d+); rev:1;\)$`)

// withoutSID strips the sid so expected rules read independently of it.
func withoutSID(r string) string { return sidRE.ReplaceAllString(r, "; sid:N; rev:1;)") }

func TestStandard(t *testing.T) { rendertest.Standard(t, Renderer{}) }

func TestRuleShapes(t *testing.T) {
	cases := []struct {
		name  string
		in    indicator.Indicator
		want  []string
		drops map[string]int
	}{
		{"domain", ind(indicator.Domain, "bad.example"), []string{
			`alert dns $HOME_NET any -> any any (msg:"CRATOS domain-dns bad.example"; dns.query; dotprefix; content:".bad.example"; nocase; endswith; classtype:trojan-activity; sid:N; rev:1;)`,
			`alert tls $HOME_NET any -> any any (msg:"CRATOS domain-tls bad.example"; tls.sni; dotprefix; content:".bad.example"; nocase; pcre:"/^\.?\z/R"; classtype:trojan-activity; sid:N; rev:1;)`,
			`alert http $HOME_NET any -> any any (msg:"CRATOS domain-http bad.example"; flow:established,to_server; http.host; to_lowercase; dotprefix; content:".bad.example"; pcre:"/^\.?\z/R"; classtype:trojan-activity; sid:N; rev:1;)`,
		}, nil},
		{"domain that is a public suffix", ind(indicator.Domain, "co.uk"), nil, map[string]int{DropSuffixDomain: 1}},
		{"hostname", ind(indicator.Hostname, "login.bad.example"), []string{
			`alert dns $HOME_NET any -> any any (msg:"CRATOS hostname-dns login.bad.example"; dns.query; content:"login.bad.example"; nocase; bsize:17; classtype:trojan-activity; sid:N; rev:1;)`,
			`alert tls $HOME_NET any -> any any (msg:"CRATOS hostname-tls login.bad.example"; tls.sni; content:"login.bad.example"; nocase; startswith; pcre:"/^\.?\z/R"; classtype:trojan-activity; sid:N; rev:1;)`,
			`alert http $HOME_NET any -> any any (msg:"CRATOS hostname-http login.bad.example"; flow:established,to_server; http.host; to_lowercase; content:"login.bad.example"; startswith; pcre:"/^\.?\z/R"; classtype:trojan-activity; sid:N; rev:1;)`,
		}, nil},
		{"http URL", ind(indicator.URL, "http://bad.example/gate.php?id=1"), []string{
			`alert http $HOME_NET any -> any any (msg:"CRATOS url http://bad.example/gate.php?id=1"; flow:established,to_server; http.host; to_lowercase; content:"bad.example"; startswith; pcre:"/^\.?\z/R"; http.uri; content:"/gate.php?id=1"; startswith; classtype:trojan-activity; sid:N; rev:1;)`,
		}, nil},
		{"URL without scheme, with port", ind(indicator.URL, "bad.example:8080/a b"), []string{
			`alert http $HOME_NET any -> any any (msg:"CRATOS url bad.example:8080/a b"; flow:established,to_server; http.host; to_lowercase; content:"bad.example"; startswith; pcre:"/^\.?\z/R"; http.header; pcre:"/^host:[^\r\n]*:8080[ \t]*\r?$/mi"; http.uri; content:"/a|20|b"; startswith; classtype:trojan-activity; sid:N; rev:1;)`,
		}, nil},
		{"URL without scheme, a URL in the query", ind(indicator.URL, "bad.example/r?u=http://x.example/"), []string{
			`alert http $HOME_NET any -> any any (msg:"CRATOS url bad.example/r?u=http://x.example/"; flow:established,to_server; http.host; to_lowercase; content:"bad.example"; startswith; pcre:"/^\.?\z/R"; http.uri.raw; content:"/r?u=http|3A|//x.example/"; pcre:"/^(?i:http:\/\/[^\/?#]*)?\x2Fr\x3Fu\x3Dhttp\x3A\x2F\x2Fx\.example\x2F/"; classtype:trojan-activity; sid:N; rev:1;)`,
		}, nil},
		{"URL with escapes and percent", ind(indicator.URL, `http://bad.example/%41"x;y:z|w\v`), []string{
			`alert http $HOME_NET any -> any any (msg:"CRATOS url http://bad.example/%41\"x\;y:z|w\\v"; flow:established,to_server; http.host; to_lowercase; content:"bad.example"; startswith; pcre:"/^\.?\z/R"; http.uri.raw; content:"/%41|22|x|3B|y|3A|z|7C|w|5C|v"; pcre:"/^(?i:http:\/\/[^\/?#]*)?\x2F\x2541\x22x\x3By\x3Az\x7Cw\x5Cv/"; classtype:trojan-activity; sid:N; rev:1;)`,
		}, nil},
		{"URL host only", ind(indicator.URL, "http://bad.example"), []string{
			`alert http $HOME_NET any -> any any (msg:"CRATOS url http://bad.example"; flow:established,to_server; http.host; to_lowercase; content:"bad.example"; startswith; pcre:"/^\.?\z/R"; classtype:trojan-activity; sid:N; rev:1;)`,
		}, nil},
		{"URL on an IPv6 host", ind(indicator.URL, "http://[2001:db8::1]:8080/x"), []string{
			`alert http $HOME_NET any -> any any (msg:"CRATOS url http://[2001:db8::1]:8080/x"; flow:established,to_server; http.host; to_lowercase; content:"[2001|3A|db8|3A 3A|1]"; bsize:13; http.header; pcre:"/^host:[^\r\n]*:8080[ \t]*\r?$/mi"; http.uri; content:"/x"; startswith; classtype:trojan-activity; sid:N; rev:1;)`,
		}, nil},
		{"https URL", ind(indicator.URL, "https://bad.example/login"), []string{
			`alert tls $HOME_NET any -> any any (msg:"CRATOS url-tls bad.example"; flow:established,to_server; tls.sni; content:"bad.example"; nocase; startswith; pcre:"/^\.?\z/R"; classtype:trojan-activity; sid:N; rev:1;)`,
		}, nil},
		{"https URL with a port", ind(indicator.URL, "https://bad.example:8443/login"), []string{
			`alert tls $HOME_NET any -> any 8443 (msg:"CRATOS url-tls bad.example:8443"; flow:established,to_server; tls.sni; content:"bad.example"; nocase; startswith; pcre:"/^\.?\z/R"; classtype:trojan-activity; sid:N; rev:1;)`,
			`alert http $HOME_NET any -> any any (msg:"CRATOS url-connect bad.example:8443"; flow:established,to_server; http.method; content:"CONNECT"; bsize:7; http.uri.raw; content:"bad.example"; nocase; startswith; pcre:"/^\.?:8443\z/R"; classtype:trojan-activity; sid:N; rev:1;)`,
		}, nil},
		{"https URL on an IPv6 host", ind(indicator.URL, "https://[2001:db8::1]/x"), []string{
			`alert tls $HOME_NET any -> 2001:db8::1 any (msg:"CRATOS url-tls 2001:db8::1"; flow:established,to_server; ssl_version:sslv2,sslv3,tls1.0,tls1.1,tls1.2,tls1.3; classtype:trojan-activity; sid:N; rev:1;)`,
			`alert http $HOME_NET any -> any any (msg:"CRATOS url-connect [2001:db8::1]:443"; flow:established,to_server; http.method; content:"CONNECT"; bsize:7; http.uri.raw; content:"[2001|3A|db8|3A 3A|1]|3A|443"; nocase; bsize:17; classtype:trojan-activity; sid:N; rev:1;)`,
		}, nil},
		{"ftp URL", ind(indicator.URL, "ftp://bad.example/x"), nil, map[string]int{"URL scheme other than http or https": 1}},
		{"email", ind(indicator.Email, "phish@bad.example"), []string{
			`alert smtp any any -> any any (msg:"CRATOS email-from phish@bad.example"; flow:established,to_server; content:"phish@bad.example"; nocase; pcre:"/^MAIL FROM:[ \t]*(?:<phish@bad\.example>|phish@bad\.example(?!\S))/mi"; classtype:trojan-activity; sid:N; rev:1;)`,
			`alert smtp any any -> any any (msg:"CRATOS email-to phish@bad.example"; flow:established,to_server; content:"phish@bad.example"; nocase; pcre:"/^RCPT TO:[ \t]*(?:<phish@bad\.example>|phish@bad\.example(?!\S))/mi"; classtype:trojan-activity; sid:N; rev:1;)`,
		}, nil},
		{"email with pcre metacharacters and rule syntax", ind(indicator.Email, `o'b+x|y\;"/z@b.example`), []string{
			`alert smtp any any -> any any (msg:"CRATOS email-from o'b+x|y\\\;\"/z@b.example"; flow:established,to_server; content:"o'b+x|7C|y|5C 3B 22|/z@b.example"; nocase; pcre:"/^MAIL FROM:[ \t]*(?:<o\x27b\x2Bx\x7Cy\x5C\x3B\x22\x2Fz@b\.example>|o\x27b\x2Bx\x7Cy\x5C\x3B\x22\x2Fz@b\.example(?!\S))/mi"; classtype:trojan-activity; sid:N; rev:1;)`,
			`alert smtp any any -> any any (msg:"CRATOS email-to o'b+x|y\\\;\"/z@b.example"; flow:established,to_server; content:"o'b+x|7C|y|5C 3B 22|/z@b.example"; nocase; pcre:"/^RCPT TO:[ \t]*(?:<o\x27b\x2Bx\x7Cy\x5C\x3B\x22\x2Fz@b\.example>|o\x27b\x2Bx\x7Cy\x5C\x3B\x22\x2Fz@b\.example(?!\S))/mi"; classtype:trojan-activity; sid:N; rev:1;)`,
		}, nil},
		{"ja3", ind(indicator.JA3, "e7d705a3286e19ea42f587b344ee6865"), []string{
			`alert tls $HOME_NET any -> any any (msg:"CRATOS ja3 e7d705a3286e19ea42f587b344ee6865"; ja3.hash; content:"e7d705a3286e19ea42f587b344ee6865"; classtype:trojan-activity; sid:N; rev:1;)`,
		}, nil},
		{"sha256", ind(indicator.SHA256, strings.Repeat("ab", 32)), []string{
			`alert ip any any -> any any (msg:"CRATOS sha256-list cratos-misp.example-block-1y-sha256.lst"; filesha256:cratos-misp.example-block-1y-sha256.lst; classtype:trojan-activity; sid:N; rev:1;)`,
		}, nil},
		{"invalid sha1 writes no rule", ind(indicator.SHA1, strings.Repeat("g", 40)), nil, map[string]int{"sha1 value that is not 40 hex digits": 1}},
		{"one IP", ind(indicator.IPv4, "198.51.100.7"), []string{
			`alert ip $HOME_NET any -> [198.51.100.7] any (msg:"CRATOS ip-dst 198.51.100.7"; classtype:trojan-activity; sid:N; rev:1;)`,
			`alert ip [198.51.100.7] any -> $HOME_NET any (msg:"CRATOS ip-src 198.51.100.7"; classtype:trojan-activity; sid:N; rev:1;)`,
		}, nil},
		{"zero prefix", ind(indicator.IPv4Net, "0.0.0.0/0"), nil, map[string]int{"IP value that is not an address or a non-zero prefix": 1}},
		{"snort rule", ind(indicator.Snort, `alert tcp any any -> any 443 (msg:"x \"q\"\; y"; content:"|16 03|"; sid:9000001; rev:2;)`), []string{
			`alert tcp any any -> any 443 (msg:"x \"q\"\; y"; content:"|16 03|"; sid:9000001; rev:2;)`,
		}, nil},
		{"snort rule, semicolon in quotes", ind(indicator.Snort, `alert tcp any any -> any any (msg:"a; b"; sid:9000001;)`), nil,
			map[string]int{"snort rule with an unknown keyword or a malformed option": 1}},
		{"snort rule, several lines", ind(indicator.Snort, "alert tcp any any -> any any (msg:\"a\"; sid:1;)\nalert tcp any any -> any any (msg:\"b\"; sid:2;)"), nil,
			map[string]int{"snort value that is not a single rule line": 1}},
		{"snort rule, unknown keyword", ind(indicator.Snort, `alert tcp any any -> any any (msg:"a"; http_foo; sid:1;)`), nil,
			map[string]int{"snort rule with an unknown keyword or a malformed option": 1}},
		{"snort rule, no sid", ind(indicator.Snort, `alert tcp any any -> any any (msg:"a";)`), nil,
			map[string]int{"snort rule without exactly one sid": 1}},
		{"snort rule, sid in the generated range", ind(indicator.Snort, `alert tcp any any -> any any (msg:"a"; sid:91000001;)`), nil,
			map[string]int{"snort rule whose sid is in the generated range": 1}},
		{"snort rule, bad header", ind(indicator.Snort, `alert tcp any any any any (msg:"a"; sid:1;)`), nil,
			map[string]int{"snort rule with a malformed header": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, drops := renderOut(t, "", nil, []indicator.Indicator{tc.in})
			var got []string
			for _, r := range rules(out) {
				got = append(got, withoutSID(r))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("rules:\n got %q\nwant %q", got, tc.want)
			}
			rendertest.ExpectDrops(t, drops, tc.drops)
		})
	}
}

func TestHeader(t *testing.T) {
	out, _ := renderOut(t, "", nil, nil)
	want := "# Generated by Cratos for misp.example/block/- at 2026-01-02T03:04:05Z\n"
	if !strings.HasPrefix(out, want) {
		t.Fatalf("header: got %q, want prefix %q", out, want)
	}
}

func TestSnortDuplicateSID(t *testing.T) {
	a := `alert tcp any any -> any any (msg:"a"; sid:5000;)`
	b := `alert tcp any any -> any any (msg:"b"; sid:5000;)`
	c := `alert tcp any any -> any any (msg:"c"; gid:2; sid:5000;)`
	out, drops := renderOut(t, "", nil, []indicator.Indicator{ind(indicator.Snort, a), ind(indicator.Snort, b), ind(indicator.Snort, c)})
	if got, want := rules(out), []string{a, c}; !slices.Equal(got, want) {
		t.Errorf("rules: got %q, want %q", got, want)
	}
	if want := map[string]int{"snort rule whose sid is already used": 1}; !maps.Equal(drops, want) {
		t.Errorf("drops: got %v, want %v", drops, want)
	}
}

func TestLongURLDropped(t *testing.T) {
	long := "http://bad.example/" + strings.Repeat("a", 8000)
	out, drops := renderOut(t, "", nil, []indicator.Indicator{ind(indicator.URL, long)})
	if n := len(rules(out)); n != 0 {
		t.Errorf("got %d rules, want 0", n)
	}
	if want := map[string]int{"rule longer than 8191 bytes": 1}; !maps.Equal(drops, want) {
		t.Errorf("drops: got %v, want %v", drops, want)
	}
}

// sids returns the SIDs of out's generated rules by msg kind and value.
func sids(t *testing.T, out string) map[string]uint32 {
	t.Helper()
	m := map[string]uint32{}
	for _, r := range rules(out) {
		if !strings.Contains(r, `msg:"CRATOS `) {
			continue
		}
		msg := r[strings.Index(r, `msg:"`)+5:]
		msg = msg[:strings.Index(msg, `";`)]
		s := sidRE.FindStringSubmatch(r)
		n, _ := strconv.ParseUint(s[1], 10, 32)
		if _, dup := m[msg]; dup {
			t.Fatalf("msg %q twice", msg)
		}
		m[msg] = uint32(n)
	}
	return m
}

func TestSIDs(t *testing.T) {
	t.Run("slot is base plus hash", func(t *testing.T) {
		h := ruleHash("domain-dns", indicator.Domain, "bad.example")
		for _, tc := range []struct {
			opts map[string]string
			want uint32
		}{
			{map[string]string{"sid_base": "7"}, 7 + uint32(h>>38)},
			{map[string]string{"sid_base": "7", "sid_bits": "26"}, 7 + uint32(h>>38)},
			{map[string]string{"sid_base": "7", "sid_bits": "31"}, 7 + uint32(h>>33)},
			{map[string]string{"sid_base": "2147483648", "sid_bits": "31"}, 2147483648 + uint32(h>>33)},
		} {
			out, _ := renderOut(t, "", tc.opts, []indicator.Indicator{ind(indicator.Domain, "bad.example")})
			if got := sids(t, out)["CRATOS domain-dns bad.example"]; got != tc.want {
				t.Errorf("%v: sid %d, want %d", tc.opts, got, tc.want)
			}
		}
	})
	t.Run("stable when other indicators come and go", func(t *testing.T) {
		base := conformance.Generated(2000, 7)
		a, _ := renderOut(t, "", nil, base)
		b, _ := renderOut(t, "", nil, append(conformance.Generated(500, 8), base[:1000]...))
		sa, sb := sids(t, a), sids(t, b)
		same := 0
		for msg, sid := range sb {
			if old, ok := sa[msg]; ok && !strings.Contains(msg, "ip-") && !strings.Contains(msg, "-list") {
				if old != sid {
					t.Errorf("%q: sid %d became %d", msg, old, sid)
				}
				same++
			}
		}
		if same < 300 {
			t.Fatalf("only %d rules in common", same)
		}
	})
	t.Run("unique under collisions", func(t *testing.T) {
		var in []indicator.Indicator
		for i := range 30000 {
			in = append(in, ind(indicator.Hostname, fmt.Sprintf("h%d.example", i)))
		}
		out, _ := renderOut(t, "", nil, in)
		seen := map[uint32]bool{}
		probed := 0
		for msg, sid := range sids(t, out) {
			if seen[sid] {
				t.Fatalf("sid %d used twice", sid)
			}
			seen[sid] = true
			if sid < DefaultSIDBase || sid >= DefaultSIDBase+SIDSpace {
				t.Fatalf("sid %d outside the range", sid)
			}
			kind, v, _ := strings.Cut(strings.TrimPrefix(msg, "CRATOS "), " ")
			if sid != DefaultSIDBase+slotOf(ruleHash(kind, indicator.Hostname, v), DefaultSIDBits) {
				probed++
			}
		}
		if len(seen) != 90000 || probed == 0 {
			t.Fatalf("%d rules, %d moved by a collision; want 90000 and some", len(seen), probed)
		}
	})
}

// ipRules returns the ip-dst and ip-src rules of out.
func ipRules(out string) map[string]bool {
	m := map[string]bool{}
	for _, r := range rules(out) {
		if strings.Contains(r, `"CRATOS ip-`) {
			m[r] = true
		}
	}
	return m
}

func TestIPGroups(t *testing.T) {
	var ips []indicator.Indicator
	for i := range 3000 {
		ips = append(ips, ind(indicator.IPv4, fmt.Sprintf("10.%d.%d.1", i/250, i%250)))
	}
	ips = indicator.Normalize(ips)
	before, _ := renderOut(t, "", nil, ips)
	groups := ipRules(before)

	t.Run("groups hold every address at most ip_group_size each", func(t *testing.T) {
		members := 0
		for r := range groups {
			if strings.Contains(r, "ip-dst") {
				n := strings.Count(r[:strings.Index(r, "] any")], ",") + 1
				if n > DefaultIPGroupSize {
					t.Errorf("group of %d", n)
				}
				members += n
			}
		}
		if members != len(ips) || len(groups) < 4 {
			t.Fatalf("%d members in %d rules, want %d in several", members, len(groups), len(ips))
		}
	})
	t.Run("adding one address changes one group", func(t *testing.T) {
		more := indicator.Normalize(append(slices.Clone(ips), ind(indicator.IPv4, "10.5.100.7")))
		after := ipRules(func() string { s, _ := renderOut(t, "", nil, more); return s }())
		added, removed := 0, 0
		for r := range after {
			if !groups[r] {
				added++
			}
		}
		for r := range groups {
			if !after[r] {
				removed++
			}
		}
		// One group changes (two rules); if the new address is a boundary
		// it splits its group in two (four rules).
		if removed != 2 || (added != 2 && added != 4) {
			t.Fatalf("%d rules removed and %d added, want 2 and 2 or 4", removed, added)
		}
	})
	t.Run("lines stay under 8192 bytes", func(t *testing.T) {
		var v6 []indicator.Indicator
		for i := range 5000 {
			v6 = append(v6, ind(indicator.IPv6, fmt.Sprintf("2001:db8:aaaa:bbbb:cccc:dddd:%x:%x", i, i+1)))
		}
		out, _ := renderOut(t, "", map[string]string{"ip_group_size": "5000"}, indicator.Normalize(v6))
		for _, r := range rules(out) {
			if len(r) > MaxRuleLine {
				t.Fatalf("rule of %d bytes", len(r))
			}
		}
	})
}

func TestValidateOptions(t *testing.T) {
	conformance.CheckOptionCases(t, Renderer{}, []conformance.OptionCase{
		{Name: "none"},
		{Name: "all", Options: map[string]string{"sid_base": "1", "action": "reject", "classtype": "bad-unknown", "msg_prefix": "TI", "ip_group_size": "5000"}},
		{Name: "largest sid_base", Options: map[string]string{"sid_base": strconv.Itoa(MaxSIDBase)}},
		{Name: "sid_base too large", Options: map[string]string{"sid_base": strconv.Itoa(MaxSIDBase + 1)}, WantErr: "sid_base"},
		{Name: "widest range", Options: map[string]string{"sid_base": "2147483648", "sid_bits": "31"}},
		{Name: "sid_base too large for sid_bits", Options: map[string]string{"sid_base": "2147483649", "sid_bits": "31"}, WantErr: "option sid_base: want at most 2^32-2^sid_bits = 2147483648"},
		{Name: "sid_bits too small", Options: map[string]string{"sid_bits": "25"}, WantErr: "sid_bits"},
		{Name: "sid_bits too large", Options: map[string]string{"sid_bits": "32"}, WantErr: "sid_bits"},
		{Name: "sid_base zero", Options: map[string]string{"sid_base": "0"}, WantErr: "sid_base"},
		{Name: "sid_base text", Options: map[string]string{"sid_base": "x"}, WantErr: "sid_base"},
		{Name: "bad action", Options: map[string]string{"action": "log"}, WantErr: "action"},
		{Name: "classtype with space", Options: map[string]string{"classtype": "a b"}, WantErr: "classtype"},
		{Name: "msg_prefix with newline", Options: map[string]string{"msg_prefix": "a\nb"}, WantErr: "msg_prefix"},
		{Name: "msg_prefix empty", Options: map[string]string{"msg_prefix": ""}, WantErr: "msg_prefix"},
		{Name: "ip_group_size zero", Options: map[string]string{"ip_group_size": "0"}, WantErr: "ip_group_size"},
		{Name: "ip_group_size too large", Options: map[string]string{"ip_group_size": "5001"}, WantErr: "ip_group_size"},
		{Name: "unknown", Options: map[string]string{"sid": "1"}, WantErr: `unknown option "sid"`},
	})
}

func TestCompanionsBasic(t *testing.T) {
	in := []indicator.Indicator{
		ind(indicator.Domain, "bad.example"), ind(indicator.MD5, strings.Repeat("a", 32)), ind(indicator.MD5, strings.Repeat("b", 32)),
		ind(indicator.SHA256, strings.Repeat("c", 64)),
	}
	comp, err := Renderer{}.Companions(context.Background(), renderers.Request{}, renderers.Slice(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []renderers.File{
		{Name: "cratos-md5.lst", Body: []byte(strings.Repeat("a", 32) + "\n" + strings.Repeat("b", 32) + "\n")},
		{Name: "cratos-sha256.lst", Body: []byte(strings.Repeat("c", 64) + "\n")},
	}
	if !slices.EqualFunc(comp, want, func(a, b renderers.File) bool { return a.Name == b.Name && bytes.Equal(a.Body, b.Body) }) {
		t.Fatalf("got %q, want %q", comp, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (Renderer{}).Companions(ctx, renderers.Request{}, renderers.Slice(in)); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: got %v, want context.Canceled", err)
	}
}

func BenchmarkRender(b *testing.B) {
	rendertest.Benchmark(b, Renderer{}, renderers.Request{Site: "misp.example", Feed: "block", Generated: rendertest.BlockGenerated})
}

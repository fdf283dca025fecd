package suricata

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/suricatadataset"
)

// companionFiles returns the Companions of ins, after checking that each file
// is the suricata-dataset output of its type, and that the output of a type
// without a file is its placeholder.
func companionFiles(t *testing.T, ins []indicator.Indicator) map[string][]byte {
	t.Helper()
	req := rendertest.BlockRequest("", nil)
	comp, err := Renderer{}.Companions(context.Background(), req, renderers.Slice(ins))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range comp {
		files[f.Name] = f.Body
	}
	for _, l := range []struct {
		typ, file string
		t         indicator.Type
	}{{"md5", HashList(req, indicator.MD5), indicator.MD5}, {"sha1", HashList(req, indicator.SHA1), indicator.SHA1}, {"sha256", HashList(req, indicator.SHA256), indicator.SHA256}} {
		var buf bytes.Buffer
		req := renderers.Request{Options: map[string]string{"type": l.typ}, Generated: rendertest.BlockGenerated}
		in := renderers.Filter(renderers.Slice(ins), indicator.SetOf(l.t))
		if err := (suricatadataset.Renderer{}).Render(context.Background(), &buf, req, in); err != nil {
			t.Fatal(err)
		}
		want := files[l.file]
		if want == nil {
			// No rule reads the list: the output holds its placeholder.
			want = []byte(suricatadataset.Placeholder(l.typ))
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Fatalf("companion %s differs from the suricata-dataset output of type %s", l.file, l.typ)
		}
	}
	return files
}

// entries counts what out lists: IP group members (ip-dst rules), one per
// domain, hostname, URL, e-mail and JA3 indicator (their first rule), one
// per passed-through rule, plus the hashes, which the list files hold.
func entries(out, prefix string, hashes int) int {
	n := hashes
	for _, r := range rules(out) {
		i := strings.Index(r, `msg:"`+prefix+` `)
		if i < 0 {
			n++ // a passed-through rule
			continue
		}
		kind, _, _ := strings.Cut(r[i+len(`msg:"`+prefix+` `):], " ")
		switch kind {
		case "ip-dst":
			n += strings.Count(r[:strings.Index(r, "] any")], ",") + 1
		case "domain-dns", "hostname-dns", "url", "url-tls", "email-from", "ja3":
			n++
		}
	}
	return n
}

// tricky holds the crafted inputs of the table tests and more edge cases,
// for the real-tool run.
func tricky() []indicator.Indicator {
	in := []indicator.Indicator{
		ind(indicator.IPv4, "192.0.2.1"), ind(indicator.IPv4Net, "192.0.2.1/32"), ind(indicator.IPv4Net, "0.0.0.0/1"),
		ind(indicator.IPv6, "::"), ind(indicator.IPv6, "::1"), ind(indicator.IPv6Net, "::/1"), ind(indicator.IPv6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
		ind(indicator.Domain, "_dmarc.bad.example"), ind(indicator.Hostname, "a-b_c.bad.example"),
		ind(indicator.URL, "bad.example:8080/a b"), ind(indicator.URL, `http://bad.example/%41"x;y:z|w\v`),
		ind(indicator.URL, "http://bad.example"), ind(indicator.URL, "http://[2001:db8::1]:8080/x"), ind(indicator.URL, "https://[2001:db8::1]/x"),
		ind(indicator.URL, "https://198.51.100.9:8443/x"), ind(indicator.URL, "http://bad.example/?only=query"), ind(indicator.URL, "http://bad.example//a/./b/../c"),
		ind(indicator.URL, "http://bad.example/"+strings.Repeat("a", 8000)), ind(indicator.URL, "http://u:p@bad.example/\x00\xff"),
		ind(indicator.Email, `we|ird\\;"@bad.example`), ind(indicator.JA3, "e7d705a3286e19ea42f587b344ee6865"),
		ind(indicator.Snort, `alert tcp any any -> any 443 (msg:"x \"q\"\; y"; content:"|16 03|"; sid:9000001; rev:2;)`),
		ind(indicator.Snort, `alert tcp any any -> any any (msg:"a; b"; sid:9000002;)`),
		ind(indicator.Snort, `alert tcp any any -> any any (msg:"c"; sid:9000001;)`),
		ind(indicator.MD5, strings.Repeat("0", 32)), ind(indicator.SHA1, strings.Repeat("1", 40)), ind(indicator.SHA256, strings.Repeat("2", 64)),
	}
	for i := range 1200 {
		in = append(in, ind(indicator.IPv6, fmt.Sprintf("2001:db8:aaaa:bbbb:cccc:dddd:%x:%x", i, i+1)))
	}
	return indicator.Normalize(in)
}

func TestRealTool(t *testing.T) {
	real, _ := rendertest.RealData(t)
	cases := []struct {
		name   string
		in     []indicator.Indicator
		opts   map[string]string
		prefix string // msg_prefix as escaped in msg
	}{
		{"sample", rendertest.Sample(), nil, "CRATOS"},
		{"sample, drop action, groups of 3, widest SID range", rendertest.Sample(), map[string]string{"action": "drop", "ip_group_size": "3", "msg_prefix": `x;"\`, "sid_base": "2147483648", "sid_bits": "31"}, `x\;\"\\`},
		{"tricky", tricky(), nil, "CRATOS"},
		{"tricky, large groups", tricky(), map[string]string{"ip_group_size": "5000"}, "CRATOS"},
		{"real data", real, nil, "CRATOS"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "real data" && testing.Short() {
				t.Skip("real data skipped in -short mode")
			}
			in := rendertest.OfTypes(tc.in, info.Types...)
			out, drops := renderOut(t, "", tc.opts, in)
			if err := realtools.SuricataTest(t, out, companionFiles(t, in)); err != nil {
				t.Fatal(err)
			}
			hashes, dropped := 0, 0
			for _, i := range in {
				if i.Type == indicator.MD5 || i.Type == indicator.SHA1 || i.Type == indicator.SHA256 {
					hashes++
				}
			}
			for _, n := range drops {
				dropped += n
			}
			if got, want := entries(out, tc.prefix, hashes), len(in)-dropped; got != want {
				t.Fatalf("%d entries, want %d (%d indicators, %d dropped: %v)", got, want, len(in), dropped, drops)
			}
			t.Logf("%d indicators, %d rules, drops %v", len(in), len(rules(out)), drops)
		})
	}
}

// headerCases are passed-through rule headers and the drop reason the
// renderer gives ("" = kept). TestSnortHeaders checks each verdict, and
// with suricata installed that every kept header loads and every refused
// one (unless refusedLoads) does not.
var headerCases = []struct {
	header, reason string
	refusedLoads   bool // refused although Suricata would load it
}{
	{header: "tcp any any -> any any"},
	{header: "TCP ![$HOME_NET,1.2.3.0/24] any <> [::1,2001:db8::/32] :1024"},
	{header: "tcp 1.2.3.4/24 any -> any any"},
	{header: "tcp 1.2.3.4-1.2.3.9 1: -> $HOME_NET [80,!81]"},
	{header: "tcp [1.2.3.4,[5.6.7.8,[9.9.9.9]]] 080 -> any 1:1"},
	{header: "tcp any [1:10,!5:20] -> [!1.2.3.0/24] [!1:65535]"},
	{header: "tcp [1.2.3.0/24,!5.5.5.5] !1: -> [any,!1.2.3.4] any"},
	{header: "tcp $EXTERNAL_NET any -> $AIM_SERVERS $SHELLCODE_PORTS"},
	{header: "tcp !$EXTERNAL_NET any -> ![$HOME_NET] $FILE_DATA_PORTS"},
	{header: "tcp [!1.2.3.4,!1.2.3.5] any -> [1.1.1.1,!2001:db8::1] [80,80]"},
	{header: "tcp ![1.2.3.4,!$HOME_NET] any -> ![1.2.3.4,!1.2.3.5] any"},
	{header: "http2 any any -> any any"},
	{header: "tcp ANY Any -> [aNy,!1.2.3.4] [ANY,!80]"},
	{header: "0 0 0 -> 0 0", reason: "snort rule with a protocol a stock Suricata does not load"},
	{header: "ssl any any -> any any", reason: "snort rule with a protocol a stock Suricata does not load"},
	{header: "modbus any any -> any any", reason: "snort rule with a protocol a stock Suricata does not load"},
	{header: "tcp 0 any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp 01.2.3.4 any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp !any any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp $FOO any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp [] any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp !0.0.0.0/0 any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp [1.2.3.4,!1.2.3.4] any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp [1.2.3.0/24,!1.2.0.0/16] any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp [1.2.3.0/25,1.2.3.128/25,!1.2.3.0/24] any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp [1.2.3.0/24,!1.2.3.0/25,!1.2.3.128/25] any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp [!$HOME_NET,!$EXTERNAL_NET] any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp any any -> ![::/0] any", reason: "snort rule with an invalid address"},
	{header: "tcp 10.0.0.9-10.0.0.1 any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp fe80::1%eth0 any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp any any -> any $HOME_NET", reason: "snort rule with an invalid port"},
	{header: "tcp any 65536 -> any any", reason: "snort rule with an invalid port"},
	{header: "tcp any 10:5 -> any any", reason: "snort rule with an invalid port"},
	{header: "tcp any !0:65535 -> any any", reason: "snort rule with an invalid port"},
	{header: "tcp any [1:5,!1:5] -> any any", reason: "snort rule with an invalid port"},
	{header: "tcp !ANY any -> any any", reason: "snort rule with an invalid address"},
	{header: "tcp any any -> any !Any", reason: "snort rule with an invalid port"},
	{header: "tcp any [1:5,!aNY] -> any any", reason: "snort rule with an invalid port"},
	{header: "tcp any anyx -> any any", reason: "snort rule with an invalid port"},
	{header: "tcp any any => any any", reason: "snort rule with a malformed header"},
	{header: "tcp any [80, 81] -> any any", reason: "snort rule with a malformed header", refusedLoads: true},
	{header: "tcp !!1.2.3.4 any -> any any", reason: "snort rule with an invalid address", refusedLoads: true},
	{header: "tcp ::ffff:1.2.3.4 any -> any any", reason: "snort rule with an invalid address", refusedLoads: true},
}

func TestSnortHeaders(t *testing.T) {
	var kept []string
	for i, tc := range headerCases {
		rule := fmt.Sprintf(`alert %s (msg:"h%d"; sid:%d;)`, tc.header, i, 100+i)
		out, drops := renderOut(t, "", nil, []indicator.Indicator{ind(indicator.Snort, rule)})
		got := ""
		for reason := range drops {
			got = reason
		}
		if got != tc.reason {
			t.Errorf("%s: drop reason %q, want %q", tc.header, got, tc.reason)
		}
		if tc.reason == "" {
			if rs := rules(out); len(rs) != 1 || rs[0] != rule {
				t.Errorf("%s: rules %q, want the rule unchanged", tc.header, rs)
			}
			kept = append(kept, rule)
		}
	}
	if testing.Short() {
		return
	}
	if err := realtools.SuricataTest(t, strings.Join(kept, "\n")+"\n", nil); err != nil {
		t.Errorf("kept rules do not load: %v", err)
	}
	// The refused rules are loaded a few at a time: Suricata names each
	// signature it cannot parse (in two or three lines), and the error
	// quotes its first 20 lines.
	var refused []string
	for i, tc := range headerCases {
		if tc.reason != "" && !tc.refusedLoads {
			refused = append(refused, fmt.Sprintf(`alert %s (msg:"h%d"; sid:%d;)`, tc.header, i, 100+i))
		}
	}
	for batch := range slices.Chunk(refused, 6) {
		err := realtools.SuricataTest(t, strings.Join(batch, "\n")+"\n", nil)
		for _, rule := range batch {
			if err == nil || !strings.Contains(err.Error(), `error parsing signature "`+rule+`"`) {
				t.Errorf("%s: refused, but Suricata loads it (%v)", rule, err)
			}
		}
	}
}

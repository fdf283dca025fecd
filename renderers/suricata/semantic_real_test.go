package suricata

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/renderers/suricata/internal/rulecheck"
)

// snort2Rules are rule bodies as analysts paste them, Snort 2 style and
// Suricata style, valid and not; semanticCorpus mutates them.
var snort2Rules = []string{
	`flow:established,to_server; content:"POST"; http_method; content:"/gate.php"; http_uri; nocase; content:!"Referer|3a|"; http_header;`,
	`flow:established,to_server; uricontent:"/admin"; nocase; content:"User-Agent|3a 20|x"; http_header; fast_pattern;`,
	`content:"|01 00 00 01|"; depth:4; offset:2; content:"|03|www"; distance:0; within:10; nocase; fast_pattern;`,
	`content:"abc"; rawbytes; content:"d"; distance:1; within:1; isdataat:!1,relative;`,
	`flow:to_client,established; file_data; content:"MZ"; within:2; byte_test:4,>,1000,0,relative,little;`,
	`content:"|00|"; byte_jump:4,0,relative,little,post_offset 2; byte_test:1,&,0x80,0,relative;`,
	`content:"x"; byte_extract:2,0,len,relative; content:"y"; distance:len; isdataat:len,relative;`,
	`dsize:>100; ttl:<64; itype:8; icode:0; id:31337; flow:stateless;`,
	`content:"login"; pcre:"/user=(\w+)&pass=\S+/Ui"; threshold:type limit, track by_src, count 1, seconds 60;`,
	`content:"x"; detection_filter:track by_src, count 5, seconds 30; priority:2; reference:url,example.com/a; classtype:trojan-activity; metadata:created_at 2016_06_07;`,
	`dns.query; content:"bad.example"; nocase; endswith;`,
	`http.host; to_lowercase; content:"bad.example"; startswith; http.uri; content:"/x"; bsize:2;`,
	`tls.sni; content:"bad.example"; isdataat:!1,relative; flowbits:set,seen; flowbits:noalert;`,
	`content:"x"; startswith; content:"y"; endswith; urilen:1<>100; rev:3;`,
	`flow:stateless; flags:S,12; window:1024; ack:0; seq:0; fragbits:!D; tos:8; stream_size:server,>,100; tag:session,10,packets;`,
	`ssl_state:client_hello; ssl_version:tls1.2,tls1.3; tls.version:1.2; tls.sni; content:"bad.example"; target:dest_ip;`,
	`content:"x"; pcre:"/(a|b)c(?=d)\1/R";`,
}

// validSnort2Rules are the rules of snort2Rules that Suricata 7 loads.
var validSnort2Rules = snort2Rules[:len(snort2Rules)-1]

// semanticArgs are option values for every keyword, valid for some and
// not for others.
var semanticArgs = []string{"", ":1", ":0", ":-1", ":x", `:"x"`, ":300", ":>5000000", ":1,2", ":<1",
	":1<>5", ":70000", ":4294967296", ":!1", ":noalert", ":established,to_server", ":set,x",
	":type limit, count 1, seconds 60, track by_src", ":4,>,1,0", ":4,0,relative", ":url,x",
	`:"/(a/"`, `:"/a/z"`, `:"/(a)(b)/i"`, ":only", ":to_server,to_client", ":10<>5"}

// semanticCorpus returns rule bodies: every keyword with each of
// semanticArgs, alone and after a content; snort2Rules with each option
// dropped, doubled and swapped with the next; and the rules of the real
// MISP snort attributes.
func semanticCorpus(t *testing.T) []string {
	var bodies []string
	for _, k := range rulecheck.Keywords() {
		if k == "sid" {
			continue
		}
		for _, a := range semanticArgs {
			bodies = append(bodies, k+a+";", `content:"abc"; `+k+a+";")
		}
	}
	for _, r := range snort2Rules {
		bodies = append(bodies, r)
		opts := strings.SplitAfter(strings.TrimSpace(r), "; ")
		for i := range opts {
			without := slices.Delete(slices.Clone(opts), i, i+1)
			doubled := slices.Insert(slices.Clone(opts), i, opts[i])
			bodies = append(bodies, strings.Join(without, ""), strings.Join(doubled, ""))
			if i+1 < len(opts) {
				swapped := slices.Clone(opts)
				swapped[i], swapped[i+1] = swapped[i+1], swapped[i]
				bodies = append(bodies, strings.Join(swapped, ""))
			}
		}
	}
	return bodies
}

// realSnortRules returns the lines of the snort attributes of the shared
// MISP events, or none when the data is absent.
func realSnortRules(t *testing.T) []string {
	dir := testtool.SharedData()
	if dir == "" {
		return nil
	}
	files, _ := filepath.Glob(filepath.Join(dir, "misp-events", "*.json"))
	var rules []string
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			if v, ok := x["value"].(string); ok && x["type"] == "snort" {
				for line := range strings.Lines(v) {
					if line = strings.TrimSpace(line); line != "" {
						rules = append(rules, line)
					}
				}
			}
			for _, v := range x {
				walk(v)
			}
		case []any:
			for _, v := range x {
				walk(v)
			}
		}
	}
	for _, f := range files {
		var doc any
		b, err := os.ReadFile(f)
		if err != nil || json.Unmarshal(b, &doc) != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		walk(doc)
	}
	return rules
}

// TestSnortSemanticsLoad renders every rule of semanticCorpus, each with
// a sid of its own, and checks with suricata -T that every rule the
// renderer passes loads: a rule Suricata refuses makes suricata-update
// reject the whole ruleset.
func TestSnortSemanticsLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("real tool run skipped in -short mode")
	}
	suricata := testtool.Require(t, "suricata", "suricata")
	var in []indicator.Indicator
	for i, body := range semanticCorpus(t) {
		in = append(in, ind(indicator.Snort, fmt.Sprintf(`alert tcp any any -> any any (msg:"c%d"; %s sid:%d;)`, i, body, 1000+i)))
	}
	for i, rule := range realSnortRules(t) {
		in = append(in, ind(indicator.Snort, sidRuleRE.ReplaceAllString(rule, fmt.Sprintf("sid:%d;", 100000+i))))
	}
	out, drops := renderOut(t, "", nil, in)
	kept := rules(out)
	// The valid rules of snort2Rules and the real ones pass.
	for _, r := range in {
		body := r.Value[strings.Index(r.Value, ";")+2:]
		sid := sidRuleRE.FindString(r.Value)
		if (slices.Contains(validSnort2Rules, strings.TrimSuffix(body[:strings.LastIndex(body, " sid:")], " ")) || !strings.Contains(r.Value, `(msg:"c`)) && !strings.Contains(out, " "+sid) {
			t.Errorf("dropped a rule that loads: %s", r.Value)
		}
	}
	t.Logf("%d rules, %d passed, drops %v", len(in), len(kept), drops)
	refused := realtools.SuricataRefused(t, suricata, kept)
	for _, i := range refused {
		t.Errorf("passed, but Suricata refuses it: %s", kept[i])
	}
	if len(refused) > 0 {
		// The others load once the refused ones are gone.
		rest := slices.DeleteFunc(slices.Clone(kept), func(r string) bool { return slices.Contains(refused, slices.Index(kept, r)) })
		if again := realtools.SuricataRefused(t, suricata, rest); len(again) > 0 {
			t.Errorf("%d more rules refused without the first ones", len(again))
		}
	}
}

var sidRuleRE = regexp.MustCompile(`sid:\s*\d+;`)

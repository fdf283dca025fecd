package rulecheck

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/internal/testtool"
)

// keywordValues are values of the keywords of valueCheckers as analysts
// write them, valid and not.
var keywordValues = map[string][]string{
	"flags":       {"S", "S,12", "PA", "SA", "!S", "+SA", "*SA", "0", "SF,12", "A+", "FPU", "S,CE", "!!S", "+*S", "s", "S,0", "X", "SAPRFU12CESAPRFU", "!", "S,", ",12"},
	"tcp.flags":   {"S", "!R", "PA,12", "Q"},
	"ack":         {"0", "1", "4294967295", "4294967296", "-1", "x", "!1", ""},
	"tcp.ack":     {"1234", ">1"},
	"seq":         {"0", "1", "4294967295", "4294967296", "1.5"},
	"tcp.seq":     {"7"},
	"window":      {"0", "55808", "!1024", "65535", "65536", "1234567890", "x", "<5"},
	"tcp.window":  {"1024", "!0", "70000"},
	"fragbits":    {"M", "D", "R", "MD", "!D", "+M", "*MD", "x", "!", "!!M", "", "M+", "MD,x", "Mm", "+ M", "m", "!m", " M"},
	"fragoffset":  {"0", "<1", ">100", "65535", "65536", "!0", "x"},
	"tos":         {"0", "8", "!8", "255", "256", "x10", "xff", "Xa", "x100", "-1", "z"},
	"stream_size": {"server,>,100", "client,<,5", "both,=,0", "either,!=,10", "server,>=,1", "client,<=,1", "server, >, 100", "server,>,4294967296", "up,>,1", "server,>", "server,~,1", ""},
	"tag":         {"session", "host", "session,10,packets", "host,60,seconds,src", "session,1,bytes,dst", "session,x,packets", "flow", "session,10", "host,1,minutes", ""},
	"target":      {"src_ip", "dest_ip", "dst_ip", ""},
	"ssl_state":   {"client_hello", "server_hello", "client_keyx", "server_keyx", "unknown", "!client_hello", "client_hello|server_hello", "client_hello,!server_keyx", "hello", "client_hello|", ""},
	"ssl_version": {"sslv2", "sslv3", "tls1.0", "tls1.1", "tls1.2", "tls1.3", "TLS1.2", "sslv3,tls1.0", "!sslv2,!sslv3", "sslv3,!tls1.0", "tls1.2,tls1.2", "tls1.4", ""},
	"tls.version": {"1.0", "1.1", "1.2", "1.3", `"1.2"`, "0x0303", "1.4", "2.0", "0x03", "x", ""},
}

// keywordValueRules are whole rules for the checks that span options:
// the TLS keywords set the rule's protocol, which its header or a buffer
// of another protocol contradicts.
var keywordValueRules = []string{
	`alert tls any any -> any any (msg:"v"; ssl_state:client_hello; ssl_version:tls1.2; tls.version:1.2; sid:%d;)`,
	`alert ip any any -> any any (msg:"v"; ssl_state:client_hello; sid:%d;)`,
	`alert tcp any any -> any any (msg:"v"; tls.sni; content:"x"; ssl_version:tls1.3; sid:%d;)`,
	`alert http any any -> any any (msg:"v"; ssl_state:client_hello; sid:%d;)`,
	`alert tcp any any -> any any (msg:"v"; http.uri; content:"x"; ssl_state:client_hello; sid:%d;)`,
	`alert tcp any any -> any any (msg:"v"; content:"x"; http_uri; tls.version:1.2; sid:%d;)`,
	`alert tcp any any -> any any (msg:"v"; tls.sni; tls.version:1.2; content:"x"; sid:%d;)`,
	`alert tcp any any -> any any (msg:"v"; tls.sni; content:"x"; ssl_state:client_hello; content:"y"; sid:%d;)`,
	`alert tcp any any -> any any (msg:"v"; flags:S; ssl_state:client_hello; sid:%d;)`,
	`alert udp any any -> any any (msg:"v"; flags:S; sid:%d;)`,
	`alert tcp $EXTERNAL_NET any -> $HOME_NET any (msg:"v"; flow:stateless; flags:S,12; window:1024; ack:0; threshold:type both, track by_src, count 20, seconds 60; sid:%d;)`,
	`alert tcp any any -> any any (msg:"v"; FLAGS:PA; Seq:1; content:"x"; sid:%d;)`,
}

// TestKeywordValuesAsSuricata checks the checkers of valueCheckers
// against the real Suricata 7: every value one passes loads, and every
// one it refuses Suricata refuses too.
func TestKeywordValuesAsSuricata(t *testing.T) {
	if testing.Short() {
		t.Skip("real tool run skipped in -short mode")
	}
	suricata := testtool.Require(t, "suricata", "suricata")
	var lines []string
	for _, k := range slices.Sorted(maps.Keys(keywordValues)) {
		for _, v := range keywordValues[k] {
			option := k + ":" + v
			if v == "" {
				option = k
			}
			lines = append(lines, fmt.Sprintf(`alert tcp any any -> any any (msg:"v"; %s; sid:%d;)`, option, 1000+len(lines)))
		}
	}
	for _, r := range keywordValueRules {
		lines = append(lines, fmt.Sprintf(r, 1000+len(lines)))
	}
	refused := realtools.SuricataRefused(t, suricata, lines)
	for i, line := range lines {
		_, _, reason := Check(line)
		loads := !slices.Contains(refused, i)
		switch {
		case reason == "" && !loads:
			t.Errorf("passed, but Suricata refuses it: %s", line)
		case reason != "" && loads:
			t.Errorf("refused (%s), but Suricata loads it: %s", reason, line)
		}
	}
}

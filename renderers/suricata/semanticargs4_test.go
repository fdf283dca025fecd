package suricata

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// protocolKeywordRules are rules with ip_proto and app-layer-protocol,
// by header protocol and options, with whether Suricata 7 loads them.
var protocolKeywordRules = []struct {
	proto, options string
	loads          bool
}{
	{"ip", `ip_proto:6;`, true},
	{"ip", `ip_proto:tcp;`, true},
	{"ip", `ip_proto:TCP;`, true},
	{"ip", `ip_proto:TcP;`, false},
	{"ip", `ip_proto:ip;`, true},
	{"ip", `ip_proto:IP;`, false},
	{"ip", `ip_proto:HOPOPT;`, true},
	{"ip", `ip_proto:icmp;`, true},
	{"ip", `ip_proto:ICMP;`, true},
	{"ip", `ip_proto:UDP;`, true},
	{"ip", `ip_proto:gre;`, true},
	{"ip", `ip_proto:ESP;`, true},
	{"ip", `ip_proto:ah;`, true},
	{"ip", `ip_proto:ipv6-icmp;`, true},
	{"ip", `ip_proto:IPv6-ICMP;`, true},
	{"ip", `ip_proto:ospf;`, true},
	{"ip", `ip_proto:sctp;`, true},
	{"ip", `ip_proto:pim;`, true},
	{"ip", `ip_proto:vrrp;`, true},
	{"ip", `ip_proto:igmp;`, true},
	{"ip", `ip_proto:ipv6;`, false},
	{"ip", `ip_proto:IPv6;`, true},
	{"ip", `ip_proto:256;`, false},
	{"ip", `ip_proto:255;`, true},
	{"ip", `ip_proto:0;`, true},
	{"ip", `ip_proto:!6;`, true},
	{"ip", `ip_proto:>6;`, true},
	{"ip", `ip_proto:<6;`, true},
	{"ip", `ip_proto:! 6;`, true},
	{"ip", `ip_proto:6x;`, false},
	{"ip", `ip_proto:-1;`, false},
	{"ip", `ip_proto:"6";`, true},
	{"ip", `ip_proto:foo;`, false},
	{"ip", `ip_proto:0x06;`, false},
	{"ip", `ip_proto:!tcp;`, true},
	{"ip", `ip_proto:>tcp;`, true},
	{"tcp", `ip_proto:6;`, false},
	{"udp", `ip_proto:6;`, false},
	{"icmp", `ip_proto:6;`, false},
	{"ipv4", `ip_proto:6;`, true},
	{"ipv6", `ip_proto:6;`, true},
	{"ip4", `ip_proto:6;`, true},
	{"ip6", `ip_proto:6;`, true},
	{"http", `ip_proto:6;`, false},
	{"tcp-pkt", `ip_proto:6;`, false},
	{"ip", `ip_proto:!6; ip_proto:!17;`, true},
	{"ip", `ip_proto:6; ip_proto:17;`, false},
	{"ip", `ip_proto:>6; ip_proto:<17;`, true},
	{"ip", `ip_proto:<17; ip_proto:>6;`, true},
	{"ip", `ip_proto:>6; ip_proto:!10;`, true},
	{"ip", `ip_proto:!10; ip_proto:>6;`, true},
	{"ip", `ip_proto:<17; ip_proto:!10;`, true},
	{"ip", `ip_proto:>6; ip_proto:>7;`, false},
	{"ip", `ip_proto:6; ip_proto:!17;`, false},
	{"ip", `ip_proto:!17; ip_proto:6;`, false},
	{"ip", `ip_proto:>17; ip_proto:<6;`, false},
	{"ip", `ip_proto:<6; ip_proto:>17;`, false},
	{"ip", `ip_proto:>6; ip_proto:<6;`, false},
	{"ip", `ip_proto:17; flags:S;`, true},
	{"ip", `ip_proto:6; app-layer-protocol:http;`, true},
	{"tcp", `app-layer-protocol:http;`, true},
	{"tcp", `app-layer-protocol:http1;`, true},
	{"tcp", `app-layer-protocol:http2;`, true},
	{"tcp", `app-layer-protocol:HTTP;`, false},
	{"tcp", `app-layer-protocol:tls;`, true},
	{"tcp", `app-layer-protocol:ssl;`, false},
	{"tcp", `app-layer-protocol:dns;`, true},
	{"tcp", `app-layer-protocol:smb;`, true},
	{"tcp", `app-layer-protocol:dcerpc;`, true},
	{"tcp", `app-layer-protocol:ftp-data;`, true},
	{"tcp", `app-layer-protocol:ftpdata;`, false},
	{"tcp", `app-layer-protocol:smtp;`, true},
	{"tcp", `app-layer-protocol:ssh;`, true},
	{"tcp", `app-layer-protocol:krb5;`, true},
	{"tcp", `app-layer-protocol:nfs;`, true},
	{"tcp", `app-layer-protocol:ikev2;`, true},
	{"tcp", `app-layer-protocol:modbus;`, false},
	{"tcp", `app-layer-protocol:dnp3;`, false},
	{"tcp", `app-layer-protocol:enip;`, false},
	{"tcp", `app-layer-protocol:quic;`, true},
	{"tcp", `app-layer-protocol:rdp;`, true},
	{"tcp", `app-layer-protocol:websocket;`, false},
	{"tcp", `app-layer-protocol:ldap;`, false},
	{"tcp", `app-layer-protocol:failed;`, true},
	{"tcp", `app-layer-protocol:unknown;`, false},
	{"tcp", `app-layer-protocol:!http;`, true},
	{"tcp", `app-layer-protocol:!failed;`, true},
	{"tcp", `app-layer-protocol:http,final;`, false},
	{"tcp", `app-layer-protocol:http,either;`, false},
	{"tcp", `app-layer-protocol:"http";`, true},
	{"tcp", `app-layer-protocol:! http;`, true},
	{"http", `app-layer-protocol:http;`, false},
	{"tls", `app-layer-protocol:http;`, false},
	{"udp", `app-layer-protocol:http;`, true},
	{"ip", `app-layer-protocol:http;`, true},
	{"icmp", `app-layer-protocol:http;`, true},
	{"ipv4", `app-layer-protocol:http;`, true},
	{"tcp-pkt", `app-layer-protocol:http;`, true},
	{"tcp-stream", `app-layer-protocol:http;`, true},
	{"sctp", `app-layer-protocol:http;`, true},
	{"tcp", `app-layer-protocol:!http; app-layer-protocol:!tls;`, true},
	{"tcp", `app-layer-protocol:http; app-layer-protocol:tls;`, false},
	{"tcp", `app-layer-protocol:!http; app-layer-protocol:tls;`, false},
	{"tcp", `app-layer-protocol:http; app-layer-protocol:!tls;`, false},
	{"tcp", `app-layer-protocol:!http; app-layer-protocol:!http;`, false},
	{"tcp", `app-layer-protocol:failed; app-layer-protocol:!http;`, false},
	{"tcp", `app-layer-protocol:!failed; app-layer-protocol:!http;`, true},
	{"tcp", `app-layer-protocol:http; http.uri; content:"x";`, true},
	{"tcp", `http.uri; content:"x"; app-layer-protocol:http;`, false},
	{"tcp", `content:"x"; http_uri; app-layer-protocol:http;`, false},
	{"tcp", `dns.opcode:0; app-layer-protocol:!http;`, false},
	{"tcp", `app-layer-protocol:!http; http.uri; content:"x";`, true},
	{"tcp", `content:"x"; app-layer-protocol:http;`, true},
	{"tcp", `app-layer-protocol:failed; flags:S;`, true},
}

// TestProtocolKeywordsAsSuricata checks ip_proto and app-layer-protocol
// rules against the renderer and the real Suricata 7.
func TestProtocolKeywordsAsSuricata(t *testing.T) {
	var lines []string
	for i, r := range protocolKeywordRules {
		line := fmt.Sprintf(`alert %s any any -> any any (msg:"v"; %s sid:%d;)`, r.proto, r.options, 1000+i)
		lines = append(lines, line)
		if _, _, reason := parseSingleRule(line); (reason == "") != r.loads {
			t.Errorf("%s: reason %q, want passed=%v", line, reason, r.loads)
		}
	}
	if testing.Short() {
		t.Skip("real tool run skipped in -short mode")
	}
	refused := suricataRefused(t, testtool.Require(t, "suricata", "suricata"), lines)
	for i, line := range lines {
		if loads := !slices.Contains(refused, i); loads != protocolKeywordRules[i].loads {
			t.Errorf("Suricata loads=%v: %s", loads, line)
		}
	}
}

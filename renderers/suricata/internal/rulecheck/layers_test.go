package rulecheck

import (
	"fmt"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// layerRules mix packet keywords with application layer buffers and
// streams, with the protocol of their header.
var layerRules = []string{
	`tcp any any -> any any (dsize:>5; http.uri; content:"x";`,
	`udp any any -> any any (ttl:<64; dns.query; content:"x";`,
	`tcp any any -> any any (content:"x"; http_uri; id:5;`,
	`tcp any any -> any any (itype:8; uricontent:"x";`,
	`tcp any any -> any any (flow:no_stream; http.uri; content:"x";`,
	`tcp any any -> any any (flow:only_stream; dsize:>5;`,
	`tcp-stream any any -> any any (ttl:5;`,
	`tcp-pkt any any -> any any (file_data; content:"x";`,
	`tcp any any -> any any (dsize:>5; file_data; content:"x";`,
	`tcp any any -> any any (dsize:>5; tcp.hdr; content:"x";`,
	`tcp any any -> any any (dsize:>5; content:"x"; flow:stateless;`,
	`tcp any any -> any any (flow:stateless; file_data; content:"x";`,
	`http any any -> any any (ttl:5; content:"x";`,
	`tcp-pkt any any -> any any (ttl:5; content:"x";`,
	`tcp any any -> any any (flow:no_stream,to_server; content:"x";`,
	`tcp any any -> any any (dsize:5; pcre:"/a/U";`,
	`tcp any any -> any any (ttl:5; pcre:"/a/H";`,
	`tcp any any -> any any (dsize:5; pcre:"/a/i";`,
	`tcp any any -> any any (dsize:5; dns.opcode:0;`,
	`tcp any any -> any any (dsize:5; tls.cert_chain_len:2;`,
	`tcp any any -> any any (dsize:5; dcerpc.opnum:1;`,
	`tcp any any -> any any (ttl:5; nfs.version:3;`,
	`tcp any any -> any any (dsize:5; tls_cert_expired;`,
	`tcp any any -> any any (dsize:5; filestore;`,
	`tcp any any -> any any (dsize:>5; urilen:>5;`,
	`tcp any any -> any any (dsize:5; byte_test:1,>,1,0,dce;`,
	`tcp any any -> any any (dsize:5; app-layer-protocol:http;`,
}

// TestPacketKeywordsWithBuffers checks against the real Suricata 7 that
// a rule mixing single-packet inspection with an application layer
// buffer or a stream is refused, and the others pass.
func TestPacketKeywordsWithBuffers(t *testing.T) {
	if testing.Short() {
		t.Skip("real tool run skipped in -short mode")
	}
	suricata := testtool.Require(t, "suricata", "suricata")
	var lines []string
	for i, r := range layerRules {
		lines = append(lines, fmt.Sprintf(`alert %s msg:"v"; sid:%d;)`, r, 1000+i))
	}
	checkAgreesWithSuricata(t, suricata, lines)
}

// TestHeaderBuffersAsSuricata checks against the real Suricata 7 the
// protocol header buffers in rules of each protocol, and with an
// application layer buffer, a stream and ip_proto.
func TestHeaderBuffersAsSuricata(t *testing.T) {
	if testing.Short() {
		t.Skip("real tool run skipped in -short mode")
	}
	suricata := testtool.Require(t, "suricata", "suricata")
	var lines []string
	add := func(r string) { lines = append(lines, fmt.Sprintf(`alert %s msg:"v"; sid:%d;)`, r, 1000+len(lines))) }
	for _, buffer := range []string{"tcp.hdr", "udp.hdr", "icmpv4.hdr", "icmpv6.hdr", "ipv4.hdr", "ipv6.hdr"} {
		for _, proto := range []string{"tcp", "udp", "icmp", "icmpv4", "icmpv6", "ip", "ipv4", "ipv6", "http", "dns", "tls", "tcp-pkt", "tcp-stream", "sctp", "pkthdr"} {
			add(fmt.Sprintf(`%s any any -> any any (%s; content:"x";`, proto, buffer))
		}
		add(fmt.Sprintf(`ip any any -> any any (%s; content:"x"; http.uri; content:"y";`, buffer))
		add(fmt.Sprintf(`ip any any -> any any (%s; content:"x"; flow:only_stream;`, buffer))
	}
	add(`ip any any -> any any (ip_proto:6; udp.hdr; content:"x";`)
	add(`ip any any -> any any (tcp.hdr; content:"x"; udp.hdr; content:"y";`)
	checkAgreesWithSuricata(t, suricata, lines)
}

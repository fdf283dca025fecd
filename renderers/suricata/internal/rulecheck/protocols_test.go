package rulecheck

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// protocolRules name application protocols in their header and
// keywords, together and apart, with files and JA3 on various protocols.
var protocolRules = []string{
	`tcp any any -> any any (dns.query; content:"x"; tls.sni; content:"y";`,
	`dns any any -> any any (tls.sni; content:"x";`,
	`http any any -> any any (dns.query; content:"x";`,
	`tls any any -> any any (http.uri; content:"x";`,
	`smtp any any -> any any (http.host; content:"x";`,
	`tcp any any -> any any (dns.query; content:"x";`,
	`udp any any -> any any (http.uri; content:"x";`,
	`icmp any any -> any any (tls.sni; content:"x";`,
	`http2 any any -> any any (http.uri; content:"x";`,
	`http1 any any -> any any (content:"x"; http_uri;`,
	`http2 any any -> any any (content:"x"; http_uri;`,
	`http2 any any -> any any (uricontent:"x";`,
	`tls any any -> any any (content:"x"; http_header;`,
	`http2 any any -> any any (content:"x"; pcre:"/x/U";`,
	`http any any -> any any (content:"x"; pcre:"/x/U"; http.user_agent; content:"y";`,
	`tcp any any -> any any (http.uri; content:"x"; http2.header_name; content:"y";`,
	`tcp any any -> any any (content:"x"; http_uri; http2.header_name; content:"y";`,
	`tcp any any -> any any (http.start; content:"x"; http2.header_name; content:"y";`,
	`http1 any any -> any any (http2.header_name; content:"x";`,
	`tcp any any -> any any (smb.share; content:"x"; dcerpc.stub_data; content:"y";`,
	`tcp any any -> any any (dcerpc.stub_data; content:"y"; smb.share; content:"x";`,
	`dcerpc any any -> any any (smb.share; content:"x";`,
	`smb any any -> any any (dcerpc.stub_data; content:"x";`,
	`tls any any -> any any (content:"x"; byte_test:4,>,1,0,dce;`,
	`quic any any -> any any (tls.sni; content:"x";`,
	`tcp any any -> any any (quic.sni; content:"x"; tls.sni; content:"y";`,
	`ikev2 any any -> any any (dns.query; content:"x";`,
	`ikev2 any any -> any any (ike.vendor; content:"x";`,
	`tls any any -> any any (tls_cert_expired; tls.cert_subject; content:"x";`,
	`tcp any any -> any any (tls_cert_expired; dns.query; content:"x";`,
	`http any any -> any any (ftpbounce; content:"x";`,
	`tcp any any -> any any (file_data; content:"x"; dns.query; content:"y";`,
	`tcp any any -> any any (tls.sni; content:"x"; file_data; content:"y";`,
	`tcp any any -> any any (file_data; content:"x"; http.uri; content:"y";`,
	`udp any any -> any any (file_data; content:"x";`,
	`ip any any -> any any (file_data; content:"x";`,
	`smtp any any -> any any (file_data; content:"x";`,
	`ftp any any -> any any (file_data; content:"x";`,
	`ftp-data any any -> any any (file_data; content:"x";`,
	`smb any any -> any any (file_data; content:"x";`,
	`nfs any any -> any any (file.data; content:"x";`,
	`tls any any -> any any (file_data; content:"x";`,
	`smtp any any -> any any (flow:to_client; file_data; content:"x";`,
	`smtp any any -> any any (file_data; content:"x"; flow:to_server;`,
	`http2 any any -> any any (file.name; content:"x";`,
	`http2 any any -> any any (file.magic; content:"x";`,
	`dns any any -> any any (file.magic; content:"x";`,
	`dns any any -> any any (file.name; content:"x";`,
	`dns any any -> any any (filestore; content:"x";`,
	`udp any any -> any any (filestore; content:"x";`,
	`quic any any -> any any (ja3.hash; content:"e7eca2baf4458d095b7f45da28c16c34";`,
	`tcp any any -> any any (ja3.hash; content:"e7eca2baf4458d095b7f45da28c16c34"; dns.query; content:"x";`,
	`tcp any any -> any any (tls.sni; content:"x"; ja3.hash; content:"e7eca2baf4458d095b7f45da28c16c34";`,
}

// bufferModifierRules use Snort 2 HTTP modifiers and pcre HTTP flags with
// a sticky buffer set and after pkt_data.
var bufferModifierRules = []string{
	`tcp any any -> any any (http.uri; content:"x"; content:"y"; http_header;`,
	`tcp any any -> any any (http.uri; content:"x"; content:"y"; http_uri;`,
	`tcp any any -> any any (dns.query; content:"x"; uricontent:"y";`,
	`tcp any any -> any any (http.uri; content:"x"; pkt_data; content:"y"; http_header;`,
	`tcp any any -> any any (dns.query; content:"x"; pcre:"/x/U";`,
	`tcp any any -> any any (http.uri; content:"x"; pcre:"/x/H";`,
	`tcp any any -> any any (http.uri; content:"x"; pcre:"/x/U";`,
	`tcp any any -> any any (http.header; content:"x"; pcre:"/x/H";`,
	`tcp any any -> any any (file_data; content:"x"; pcre:"/x/Q";`,
	`tcp any any -> any any (http.request_body; content:"x"; pcre:"/x/P";`,
	`tcp any any -> any any (http.uri; content:"x"; pkt_data; pcre:"/x/H";`,
}

// TestProtocolConflicts checks against the real Suricata 7 that a rule
// whose header and keywords need application protocols that conflict, or
// that moves a match to an HTTP buffer while a sticky buffer is set, is
// refused, and the others pass.
func TestProtocolConflicts(t *testing.T) {
	if testing.Short() {
		t.Skip("real tool run skipped in -short mode")
	}
	suricata := testtool.Require(t, "suricata", "suricata")
	var lines []string
	for i, r := range slices.Concat(protocolRules, bufferModifierRules) {
		lines = append(lines, fmt.Sprintf(`alert %s msg:"v"; sid:%d;)`, r, 1000+i))
	}
	checkAgreesWithSuricata(t, suricata, lines)
}

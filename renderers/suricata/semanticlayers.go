package suricata

import (
	"slices"
	"strings"
)

// packetKeywords make Suricata 7 inspect a rule on single packets only
// (SIG_FLAG_REQUIRE_PACKET): it refuses such a rule when it also
// inspects an application layer buffer, or a reassembled stream.
var packetKeywords = wordSet(`dsize flow.age fragbits fragoffset geoip icmp_id
icode id ipopts ip_proto itype rpc sameip tcp.mss ttl tos flags tcp.flags ack
tcp.ack seq tcp.seq window tcp.window icmpv6.mtu replace template2`)

// tlsKeywords match on a TLS session's state in a list of their own, as
// a sticky buffer does.
var tlsKeywords = wordSet(`ssl_state ssl_version tls.version`)

// appBuffer reports whether option o inspects an application layer
// buffer: a sticky buffer other than a packet header, a Snort 2 HTTP
// modifier, uricontent, a pcre HTTP flag, or a keyword of an application
// protocol or of files (dns.opcode, tls_cert_expired, filestore…).
func appBuffer(o ruleOption) bool {
	n := o.name
	return stickyBuffer(n) && !strings.HasSuffix(n, ".hdr") || httpModifiers[n] || n == "uricontent" ||
		n == "pcre" && pcreHTTPFlag(o.value) || keywordProtocols[n] != "" || fileKeywords[n]
}

// checkLayers returns why Suricata 7 would refuse a rule of protocol
// proto that inspects single packets (a packet keyword, flow:no_stream,
// tcp-pkt) and also an application layer buffer or a stream
// (flow:only_stream, tcp-stream), or "".
func checkLayers(proto string, opts []ruleOption) string {
	proto = strings.ToLower(proto)
	packet, stream, app := proto == "tcp-pkt", proto == "tcp-stream", false
	for _, o := range opts {
		flow := []string(nil)
		if o.name == "flow" {
			flow = splitArgs(strings.ToLower(o.value))
		}
		packet = packet || packetKeywords[o.name] || slices.Contains(flow, "no_stream")
		stream = stream || slices.Contains(flow, "only_stream")
		app = app || appBuffer(o)
	}
	if packet && (app || stream) {
		return DropOptionValue
	}
	return ""
}

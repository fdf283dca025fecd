// Keywords that inspect single packets mixed with those that inspect a
// stream or an application buffer.

package rulecheck

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

// headerBufferProtocols are the rule protocols whose packets may carry
// the header each protocol header buffer inspects (DetectProtoContainsProto):
// the renderer passes tcp.hdr in an application protocol's rule only
// for those it has seen Suricata 7 load.
var headerBufferProtocols = map[string]map[string]bool{
	"tcp.hdr":    wordSet(`tcp tcp-pkt ip ipv4 ipv6 pkthdr http tls dns`),
	"udp.hdr":    wordSet(`udp ip ipv4 ipv6 pkthdr dns`),
	"icmpv4.hdr": wordSet(`icmp icmpv4 ip ipv4 ipv6 pkthdr`),
	"icmpv6.hdr": wordSet(`icmp icmpv6 ip ipv4 ipv6 pkthdr`),
}

// checkLayers returns why Suricata 7 would refuse a rule of protocol
// proto that inspects single packets (a packet keyword, a protocol
// header buffer, flow:no_stream, tcp-pkt) and also an application layer
// buffer or a stream (flow:only_stream, tcp-stream), or a header buffer
// of a protocol the rule's packets do not carry (udp.hdr in a tcp rule;
// with ip_proto, which narrows them, it is refused too), or "".
func checkLayers(proto string, opts []ruleOption) string {
	proto = strings.ToLower(proto)
	packet, stream, app := proto == "tcp-pkt", proto == "tcp-stream", false
	ipProto := slices.ContainsFunc(opts, func(o ruleOption) bool { return o.name == "ip_proto" })
	for _, o := range opts {
		if allowed := headerBufferProtocols[o.name]; allowed != nil && (!allowed[proto] || ipProto) {
			return DropOptionValue
		}
		flow := []string(nil)
		if o.name == "flow" {
			flow = splitArgs(strings.ToLower(o.value))
		}
		packet = packet || packetKeywords[o.name] || strings.HasSuffix(o.name, ".hdr") || slices.Contains(flow, "no_stream")
		stream = stream || slices.Contains(flow, "only_stream")
		app = app || appBuffer(o)
	}
	if packet && (app || stream) {
		return DropOptionValue
	}
	return ""
}

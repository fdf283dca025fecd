// The walk over a rule's options that calls every other check, and the
// drop reasons it returns.

package rulecheck

import "strings"

// Reasons for a passed-through rule whose options are well formed but
// that Suricata 7 would still refuse to load, which makes suricata -T,
// and so suricata-update, reject the whole ruleset.
const (
	DropOptionValue     = "snort rule with an option value Suricata 7 refuses"
	DropContentModifier = "snort rule with a content modifier without its content, repeated or in conflict"
	DropStickyBuffer    = "snort rule with a sticky buffer without a match after it, or a transform not right after one"
	DropUncheckedOption = "snort rule with an option whose value the renderer does not check"
)

// flagKeywords take no value.
var flagKeywords = wordSet(`bypass filestore ftpbounce noalert
sameip tls_cert_expired tls_cert_valid tls_store ip.src ip.dst pkt_data`)

// httpModifiers are the Snort 2 content modifiers that move the content
// before them to an HTTP buffer.
var httpModifiers = wordSet(`http_client_body http_cookie http_header
http_host http_method http_raw_header http_raw_host http_raw_uri
http_server_body http_stat_code http_stat_msg http_uri http_user_agent`)

// transforms follow a sticky buffer and change it before its matches.
var transforms = wordSet(`compress_whitespace dotprefix header_lowercase
strip_pseudo_headers strip_whitespace to_lowercase to_md5 to_sha1 to_sha256
to_uppercase url_decode xor`)

// matchKeywords inspect the current buffer.
var matchKeywords = wordSet(`content uricontent pcre bsize isdataat byte_test
byte_jump byte_extract byte_math dataset datarep base64_decode`)

// uintKeywords are the numeric keywords the renderer checks, with the
// largest value each reads; integer keywords read only a number, the
// others Suricata's comparisons ("<5", ">5", "!5", "1<>5", "1-5").
var (
	integerKeywords = map[string]uint64{"rev": 1<<32 - 1, "priority": 1<<31 - 1,
		"id": 65535, "icmp_id": 65535, "icmp_seq": 65535}
	rangeKeywords = map[string]uint64{"ttl": 255, "itype": 255, "icode": 255,
		"dsize": 65535, "tcp.mss": 65535, "bsize": 1<<64 - 1, "filesize": 1<<64 - 1}
)

// onceKeywords may appear once in a rule.
var onceKeywords = wordSet(`msg sid rev gid classtype priority dsize threshold
detection_filter flow ttl itype icode id icmp_id icmp_seq urilen fast_pattern`)

// pcreFlags are the modifiers Suricata 7 reads after a pcre's regex.
const pcreFlags = "AEGimsxOBRUVWZHIDMCPQYS"

// content is what a rule's last content carries, for its modifiers.
type content struct {
	length                                              int
	negated                                             bool
	depth, offset, distance, within, nocase, fast, http bool
	startswith, rawbytes                                bool
}

// checkSemantics returns why Suricata 7 would refuse the options of a
// rule that Check read, or "": a value it does not read, a
// content modifier with no content or in conflict, a sticky buffer with
// nothing matched in it. Options whose values the renderer does not read
// are refused too: it cannot vouch for them.
func checkSemantics(opts []ruleOption) string {
	var (
		last                *content
		sticky              bool // a sticky buffer with no match yet
		inBuffer            bool // a sticky buffer is the current one
		afterSticky         bool // the previous option is a sticky buffer or transform
		matched             bool // a match in the current buffer
		fastPatterns, flows int
		extracted           = map[string]bool{}
		seen                = map[string]bool{}
		rawHeader, flowDir  bool
		lists               matchLists
	)
	for _, o := range opts {
		n, v := o.name, o.value
		if onceKeywords[n] && seen[n] {
			return DropOptionValue
		}
		seen[n] = true
		isTransform := transforms[n]
		if isTransform && !afterSticky {
			return DropStickyBuffer
		}
		afterSticky = false
		switch {
		case stickyBuffer(n):
			if v != "" {
				return DropUncheckedOption
			}
			if sticky || n == "base64_data" && !seen["base64_decode"] {
				return DropStickyBuffer
			}
			last, sticky, afterSticky, inBuffer, matched = nil, true, true, true, false
			lists.setBuffer(n)
			rawHeader = rawHeader || n == "http.header.raw"
			continue
		case isTransform:
			if v != "" && n != "xor" || n == "xor" && !validXor(v) {
				return DropOptionValue
			}
			afterSticky = true
			continue
		case matchKeywords[n]:
			sticky = false
		}
		if stateParsers[n] != nil && (v == "" || n == "xbits" && v == "noalert") {
			return DropOptionValue
		}
		switch {
		case n == "content" || n == "uricontent":
			if !validContent(v) {
				return DropOptionValue
			}
			if !lists.content(n) {
				return DropContentModifier
			}
			last = &content{length: contentLength(v), negated: strings.HasPrefix(v, "!"), http: n == "uricontent"}
			matched = true
		case n == "depth" || n == "offset" || n == "distance" || n == "within":
			if reason := checkPosition(last, n, v, extracted); reason != "" {
				return reason
			}
			if last.negated && last.fast || lists.lastFastOnly() || (n == "distance" || n == "within") && !lists.relative() {
				return DropContentModifier
			}
		case n == "nocase" || n == "rawbytes" || n == "startswith" || n == "endswith" || n == "prefilter":
			if v != "" {
				return DropOptionValue
			}
			// endswith may be repeated: Suricata 7 sets its flag again.
			if last == nil || n == "nocase" && last.nocase || n == "rawbytes" && last.rawbytes || n == "startswith" && (last.startswith || last.depth || last.offset || last.distance || last.within) {
				return DropContentModifier
			}
			last.nocase = last.nocase || n == "nocase"
			last.rawbytes = last.rawbytes || n == "rawbytes"
			last.startswith = last.startswith || n == "startswith"
		case n == "fast_pattern":
			positioned := last != nil && (last.depth || last.offset || last.distance || last.within)
			if last == nil || last.fast || fastPatterns > 0 || !validFastPattern(v, last.length) ||
				last.negated && positioned || v == "only" && (last.negated || positioned) {
				return DropContentModifier
			}
			if v == "only" {
				lists.fastPatternOnly()
			}
			last.fast = true
			fastPatterns++
		case httpModifiers[n]:
			if v != "" {
				return DropOptionValue
			}
			if last == nil || last.http || !lists.modifier(n) {
				return DropContentModifier
			}
			last.http = true
			rawHeader = rawHeader || n == "http_raw_header"
		case n == "flow":
			flows++
			if flows > 1 || !validFlow(v) {
				return DropOptionValue
			}
			flowDir = strings.Contains(v, "to_") || strings.Contains(v, "from_")
		case n == "pcre":
			flags := pcreFlagsOf(v)
			if !validPcre(v, matched) || !lists.pcre(flags) {
				return DropOptionValue
			}
			matched = true
			rawHeader = rawHeader || strings.ContainsRune(flags, 'D')
		case n == "bsize":
			if !inBuffer || !validRange(v, 1<<64-1) {
				return DropOptionValue
			}
		case n == "urilen":
			if _, _, ok := parseURILen(v); !ok || !urilenFits(opts, v) {
				return DropOptionValue
			}
		case n == "dsize":
			if !validRange(v, 65535) {
				return DropOptionValue
			}
		case n == "byte_extract":
			if !validByteExtract(v) {
				return DropOptionValue
			}
			extracted[splitArgs(v)[2]] = true
		case n == "byte_test" || n == "byte_jump":
			if !validByteOp(n, v, extracted) {
				return DropOptionValue
			}
		case n == "tls.fingerprint":
			if inBuffer || !validFingerprint(v) {
				return DropOptionValue // it needs no sticky buffer set
			}
			last = nil
		case n == "threshold" || n == "detection_filter":
			if !validThreshold(n, v) {
				return DropOptionValue
			}
		case n == "reference":
			if !validReference(v) {
				return DropOptionValue
			}
		case n == "msg":
			if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
				return DropOptionValue
			}
		case n == "classtype":
			if !isName(v) || v[0] < 'A' {
				return DropOptionValue
			}
		case n == "metadata":
			if v == "" || strings.Contains(v, `"`) {
				return DropOptionValue
			}
		case valueCheckers[n] != nil:
			if tlsKeywords[n] && sticky {
				return DropStickyBuffer // it ends the sticky buffer before its match
			}
			if !valueCheckers[n](v) {
				return DropOptionValue
			}
		case keywordCheckers[n] != nil:
			if !keywordCheckers[n](v) {
				return DropOptionValue
			}
		case integerKeywords[n] != 0:
			if !isUint(v, integerKeywords[n]) || n == "rev" && v == "0" {
				return DropOptionValue
			}
		case rangeKeywords[n] != 0:
			if !validRange(v, rangeKeywords[n]) {
				return DropOptionValue
			}
		case n == "base64_decode":
			if !validBase64Decode(v) {
				return DropOptionValue
			}
		case n == "asn1":
			if !validAsn1(v) {
				return DropOptionValue
			}
		case n == "isdataat":
			if !validIsdataat(v, extracted) {
				return DropOptionValue
			}
		case flagKeywords[n]:
			if v != "" {
				return DropOptionValue
			}
			if n == "pkt_data" {
				lists.setBuffer(n)
			}
		case n == "sid" || n == "gid" || stateParsers[n] != nil:
			// Check and StateRefs check these.
		default:
			return DropUncheckedOption
		}
	}
	if sticky || afterSticky {
		return DropStickyBuffer
	}
	// Suricata refuses bypass and filestore together, in either order.
	if !sizesFit(opts) || rawHeader && !flowDir || seen["bypass"] && seen["filestore"] {
		return DropOptionValue
	}
	return ""
}

// stickyBuffer reports whether n names a buffer later matches inspect:
// a dotted keyword other than the few that match on their own value, or
// a legacy name of one.
func stickyBuffer(n string) bool {
	if strings.Contains(n, ".") {
		return !valueKeywords[n] && !flagKeywords[n]
	}
	return legacyBuffers[n]
}

// valueKeywords are the dotted keywords that take a value.
var valueKeywords = wordSet(`flow.age dcerpc.iface dcerpc.opnum tcp.flags tcp.ack
tcp.seq tcp.window tcp.mss icmpv6.mtu dns.opcode http2.errorcode http2.frametype
http2.priority http2.settings http2.size_update http2.window dhcp.leasetime
dhcp.rebinding_time dhcp.renewal_time ike.exchtype ike.chosen_sa_attribute
ike.key_exchange_payload_length ike.nonce_payload_length krb5.ticket_encryption
mqtt.connack.session_present mqtt.connect.flags mqtt.flags mqtt.protocol_version
mqtt.qos mqtt.reason_code mqtt.type nfs.version rfb.secresult rfb.sectype
snmp.pdu_type snmp.version ssh.protoversion ssh.softwareversion tls.cert_chain_len
tls.version tls.fingerprint tls.issuerdn tls.subject dnp3.data`)

// legacyBuffers are the sticky buffers' names without a dot.
var legacyBuffers = wordSet(`file_data base64_data dns_query tls_sni
tls_cert_issuer tls_cert_subject tls_cert_serial http_accept http_accept_enc
http_accept_lang http_connection http_content_len http_content_type
http_header_names http_protocol http_referer http_request_line
http_response_line http_start ssh_proto ssh_software`)

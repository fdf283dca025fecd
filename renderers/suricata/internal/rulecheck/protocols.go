// Keywords and a header that name conflicting application protocols.

package rulecheck

import (
	"slices"
	"strings"
)

// DropProtocols is the reason for a passed-through rule whose keywords
// belong to application protocols Suricata 7 does not let one rule mix.
const DropProtocols = "snort rule whose keywords or header name conflicting application protocols"

// keywordProtocols are the application protocols Suricata 7 sets on a
// rule for each keyword (DetectSignatureSetAppProto): "http" is either
// HTTP version, "http1" and "http2" one of them.
var keywordProtocols = func() map[string]string {
	m := map[string]string{}
	for proto, words := range map[string]string{
		"http": `http.accept http.accept_enc http.accept_lang http.connection
			http.content_len http.content_type http.cookie http.header http.header.raw
			http.header_names http.host http.host.raw http.location http.method
			http.protocol http.referer http.request_body http.request_header
			http.request_line http.response_body http.response_header
			http.response_line http.server http.stat_code http.stat_msg http.uri
			http.uri.raw http.user_agent http_accept http_accept_enc http_accept_lang
			http_connection http_content_len http_content_type http_header_names
			http_protocol http_referer http_request_line http_response_line urilen`,
		"http1": `http.start http_start`,
		"http2": `http2.errorcode http2.frametype http2.header_name http2.priority
			http2.settings http2.size_update http2.window`,
		"dcerpc": `dcerpc.iface dcerpc.opnum dcerpc.stub_data`,
		"smb":    `smb.named_pipe smb.ntlmssp_domain smb.ntlmssp_user smb.share`,
		"dns":    `dns.opcode dns.query dns_query`,
		"tls": `ssl_state ssl_version tls.cert_chain_len tls.cert_fingerprint
			tls.cert_issuer tls.cert_serial tls.cert_subject tls.certs tls.fingerprint
			tls.issuerdn tls.random tls.random_bytes tls.random_time tls.sni
			tls.subject tls.version tls_cert_expired tls_cert_issuer
			tls_cert_notafter tls_cert_notbefore tls_cert_serial tls_cert_subject
			tls_cert_valid tls_sni tls_store`,
		"ssh": `ssh.hassh ssh.hassh.server ssh.hassh.server.string ssh.hassh.string
			ssh.proto ssh.protoversion ssh.software ssh.softwareversion ssh_proto
			ssh_software`,
		"quic": `quic.cyu.hash quic.cyu.string quic.sni quic.ua quic.version`,
		"ike": `ike.chosen_sa_attribute ike.exchtype ike.init_spi
			ike.key_exchange_payload ike.key_exchange_payload_length ike.nonce_payload
			ike.nonce_payload_length ike.resp_spi ike.vendor`,
		"krb5": `krb5.cname krb5.sname krb5.ticket_encryption krb5_err_code krb5_msg_type`,
		"mqtt": `mqtt.connack.session_present mqtt.connect.clientid mqtt.connect.flags
			mqtt.connect.password mqtt.connect.username mqtt.connect.willmessage
			mqtt.connect.willtopic mqtt.flags mqtt.protocol_version
			mqtt.publish.message mqtt.publish.topic mqtt.qos mqtt.reason_code
			mqtt.subscribe.topic mqtt.type mqtt.unsubscribe.topic`,
		"sip": `sip.method sip.protocol sip.request_line sip.response_line
			sip.stat_code sip.stat_msg sip.uri`,
		"snmp":     `snmp.community snmp.pdu_type snmp.usm snmp.version`,
		"rfb":      `rfb.name rfb.secresult rfb.sectype`,
		"dhcp":     `dhcp.leasetime dhcp.rebinding_time dhcp.renewal_time`,
		"nfs":      `nfs.version nfs_procedure`,
		"ftp":      `ftpbounce`,
		"ftp-data": `ftpdata_command`,
		"modbus":   `modbus`,
		"dnp3":     `dnp3.data dnp3_func dnp3_ind dnp3_obj`,
		"enip":     `cip_service enip_command`,
	} {
		for _, w := range strings.Fields(words) {
			m[w] = proto
		}
	}
	return m
}()

// httpPcreFlags are the pcre flags that move its match to an HTTP/1
// buffer, as the Snort 2 HTTP modifiers do.
const httpPcreFlags = "UVWZHIDMCPQYS"

// Keywords that need files (the file.magic buffer does not), and those
// of them that need a file name, which HTTP/2 does not give; jaKeywords
// need TLS or QUIC.
var (
	fileKeywords = wordSet(`file_data file.data filestore filename fileext
		file.name filemagic filemd5 filesha1 filesha256 filesize`)
	fileNameKeywords = wordSet(`filename fileext file.name`)
	fileProtocols    = wordSet(`http http1 http2 smtp smb nfs ftp-data`)
	jaKeywords       = wordSet(`ja3.hash ja3.string ja3s.hash ja3s.string ja4.hash`)
	// noTCPHeaders are the header protocols without TCP, on which
	// file_data is refused.
	noTCPHeaders = wordSet(`udp icmp icmpv4 icmpv6 sctp`)
)

// headerProtocol returns the application protocol a rule header names,
// or "" for a packet protocol.
func headerProtocol(proto string) string {
	switch proto {
	case "ip", "tcp", "udp", "icmp", "icmpv4", "icmpv6", "ipv4", "ip4", "ipv6",
		"ip6", "sctp", "pkthdr", "tcp-pkt", "tcp-stream":
		return ""
	case "ikev2":
		return "ike"
	}
	return proto
}

// protoContains reports whether a rule of protocol rule matches flows of
// protocol p (AppProtoEquals): http holds both HTTP versions, dcerpc
// holds smb.
func protoContains(rule, p string) bool {
	return rule == p || rule == "http" && (p == "http1" || p == "http2") || rule == "dcerpc" && p == "smb"
}

// narrowProtocol returns the protocol of a rule of protocol cur once a
// keyword of protocol p is added to it, as DetectSignatureSetAppProto
// does, or false when Suricata 7 refuses the keyword.
func narrowProtocol(cur, p string) (string, bool) {
	switch {
	case cur == "":
		return p, true
	case cur == "dcerpc" && p == "smb":
		return "", false
	case protoContains(cur, p):
		return p, true
	case protoContains(p, cur):
		return cur, true
	}
	return "", false
}

// checkProtocols returns why Suricata 7 would refuse a rule of header
// protocol proto whose keywords need application protocols that do not
// go together (dns.query with tls.sni, http.uri in an "alert tls" rule,
// a Snort 2 HTTP modifier with an HTTP/2 keyword), files on a protocol
// without them, or JA3/JA4 on one other than TLS and QUIC; or "".
func checkProtocols(proto string, opts []ruleOption) string {
	proto = strings.ToLower(proto)
	cur := headerProtocol(proto)
	var (
		ok                            = true
		buffer                        string // the sticky buffer later matches inspect
		files, fileName, ja, toClient bool
		fileData                      bool
	)
	for _, o := range opts {
		n := o.name
		switch {
		case n == "pkt_data":
			buffer = ""
		case stickyBuffer(n):
			buffer = n
		}
		if reason := checkBufferModifier(buffer, o); reason != "" {
			return reason
		}
		p := keywordProtocols[n]
		switch {
		case httpModifiers[n] || n == "uricontent" || n == "pcre" && buffer == "" && pcreHTTPFlag(o.value):
			// DetectEngineContentModifierBufferSetup checks one way only.
			if cur != "" && !protoContains(cur, "http1") {
				return DropProtocols
			}
			p = "http1"
		case (n == "byte_test" || n == "byte_jump" || n == "byte_extract" || n == "byte_math") &&
			slices.Contains(splitArgs(strings.ToLower(o.value)), "dce"):
			p = "dcerpc"
		case n == "flow":
			flow := splitArgs(strings.ToLower(o.value))
			toClient = toClient || slices.Contains(flow, "to_client") || slices.Contains(flow, "from_server")
		}
		if p != "" {
			if cur, ok = narrowProtocol(cur, p); !ok {
				return DropProtocols
			}
		}
		files = files || fileKeywords[n]
		fileName = fileName || fileNameKeywords[n]
		fileData = fileData || n == "file_data" || n == "file.data"
		ja = ja || jaKeywords[n]
	}
	switch {
	case files && cur != "" && !fileProtocols[cur],
		fileName && cur == "http2",
		fileData && (noTCPHeaders[proto] || cur == "smtp" && toClient),
		ja && cur != "" && cur != "tls" && cur != "quic":
		return DropProtocols
	}
	return ""
}

// pcreHTTPFlag reports whether a pcre value has a flag that moves its
// match to an HTTP buffer.
func pcreHTTPFlag(v string) bool {
	v = strings.Trim(strings.TrimPrefix(v, "!"), `"`)
	i := strings.LastIndexByte(v, '/')
	return i > 0 && strings.ContainsAny(v[i+1:], httpPcreFlags)
}

// pcreFlagBuffers are the sticky buffers in which each HTTP flag of a
// pcre names the buffer already inspected.
var pcreFlagBuffers = map[byte][]string{
	'U': {"http.uri"}, 'I': {"http.uri.raw"}, 'H': {"http.header"},
	'D': {"http.header.raw"}, 'M': {"http.method"}, 'C': {"http.cookie"},
	'S': {"http.stat_code"}, 'Y': {"http.stat_msg"}, 'V': {"http.user_agent"},
	'W': {"http.host"}, 'Z': {"http.host.raw"},
	'P': {"http.request_body"},
	'Q': {"file_data", "file.data", "http.response_body"},
}

// checkBufferModifier returns why Suricata 7 would refuse option o in
// the sticky buffer named buffer, or "": a pcre whose HTTP flag names
// another buffer. (A Snort 2 HTTP modifier or uricontent there is the
// match lists' to refuse: semanticlists.go.)
func checkBufferModifier(buffer string, o ruleOption) string {
	if buffer == "" {
		return ""
	}
	if o.name != "pcre" || !pcreHTTPFlag(o.value) {
		return ""
	}
	v := strings.Trim(strings.TrimPrefix(o.value, "!"), `"`)
	for _, f := range []byte(v[strings.LastIndexByte(v, '/')+1:]) {
		if strings.IndexByte(httpPcreFlags, f) >= 0 && !slices.Contains(pcreFlagBuffers[f], buffer) {
			return DropContentModifier
		}
	}
	return ""
}

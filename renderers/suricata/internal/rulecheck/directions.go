// Keywords and flow options that need conflicting directions.

package rulecheck

import (
	"slices"
	"strings"
)

// DropDirection is the reason for a passed-through rule whose keywords,
// or keywords and flow, need traffic in both directions.
const DropDirection = "snort rule whose keywords or flow need conflicting directions"

// direction is the traffic a keyword inspects: to the server, to the
// client, or both when neither bit is set.
type direction uint8

const (
	toServer direction = 1 << iota
	toClient
)

// keywordDirections are the keywords whose buffers Suricata 7 inspects
// in one direction only (the direction of each inspect engine it
// registers); the others inspect both, as file_data, http.response_body
// and the Snort 2 http_server_body do on HTTP.
var keywordDirections = func() map[string]direction {
	m := map[string]direction{}
	for dir, words := range map[direction]string{
		toServer: `http.uri http.uri.raw http.method http.host http.host.raw
			http.user_agent http.request_line http.request_body http.request_header
			http.accept http.accept_enc http.accept_lang http.referer urilen
			http_request_line http_accept http_accept_enc
			http_accept_lang http_referer http_client_body http_host http_method
			http_raw_host http_raw_uri http_uri http_user_agent uricontent
			dns.query dns_query tls.sni tls_sni ja3.hash ja3.string ja4.hash
			ssh.hassh ssh.hassh.string quic.sni quic.ua quic.cyu.hash quic.cyu.string
			ike.init_spi ike.vendor smb.share smb.named_pipe smb.ntlmssp_user
			smb.ntlmssp_domain nfs_procedure nfs.version ftpbounce modbus
			sip.method sip.request_line sip.uri rfb.sectype
			mqtt.connect.clientid mqtt.connect.flags mqtt.connect.password
			mqtt.connect.username mqtt.connect.willmessage mqtt.connect.willtopic
			mqtt.flags mqtt.protocol_version mqtt.publish.message mqtt.qos
			mqtt.unsubscribe.topic`,
		toClient: `http.stat_code http.stat_msg http.response_line
			http.response_header http.location http.server
			http_response_line http_stat_code http_stat_msg
			tls_cert_notbefore tls_cert_notafter tls_cert_expired tls_cert_valid tls.cert_chain_len
			ja3s.hash ja3s.string ssh.hassh.server ssh.hassh.server.string
			ike.resp_spi ike.chosen_sa_attribute krb5.cname krb5.sname
			krb5.ticket_encryption sip.response_line sip.stat_code sip.stat_msg
			rfb.name rfb.secresult mqtt.connack.session_present`,
	} {
		for _, w := range strings.Fields(words) {
			m[w] = dir
		}
	}
	return m
}()

// pcreFlagDirections are the pcre HTTP flags whose buffer Suricata 7
// inspects in one direction only.
var pcreFlagDirections = map[byte]direction{
	'U': toServer, 'I': toServer, 'M': toServer, 'P': toServer,
	'V': toServer, 'W': toServer, 'Z': toServer,
	'S': toClient, 'Y': toClient,
}

// checkDirections returns why Suricata 7 would refuse a rule of header
// protocol proto whose keywords inspect both directions between them
// (http.uri with http.stat_code, tls.sni with tls_cert_expired), or one
// direction while the rule is set to the other only (flow:to_client
// with http.uri): SigValidate refuses them as mixing keywords with
// conflicting directions. A flow sets the rule's directions, both for
// one without a direction, and http.response_body sets them to the
// client at its place in the rule. The rule's arrow plays no part: a
// "<>" rule is the same rule with its addresses swapped. File keywords
// inspect SMTP to the server only. Returns "" otherwise.
func checkDirections(proto string, opts []ruleOption) string {
	smtp := strings.EqualFold(proto, "smtp")
	var keywords, rule direction
	for _, o := range opts {
		n := o.name
		keywords |= keywordDirections[n]
		switch {
		case smtp && fileKeywords[n] && n != "filestore":
			keywords |= toServer
		case n == "http.response_body":
			rule = toClient
		case n == "pcre" && pcreHTTPFlag(o.value):
			v := strings.Trim(strings.TrimPrefix(o.value, "!"), `"`)
			for _, f := range []byte(v[strings.LastIndexByte(v, '/')+1:]) {
				keywords |= pcreFlagDirections[f]
			}
		case n == "flow":
			words := splitArgs(strings.ToLower(o.value))
			switch {
			case slices.Contains(words, "to_server") || slices.Contains(words, "from_client"):
				rule |= toServer
			case slices.Contains(words, "to_client") || slices.Contains(words, "from_server"):
				rule |= toClient
			default:
				rule |= toServer | toClient
			}
		}
	}
	if keywords == toServer|toClient || keywords != 0 && rule != 0 && rule != toServer|toClient && rule != keywords {
		return DropDirection
	}
	return ""
}

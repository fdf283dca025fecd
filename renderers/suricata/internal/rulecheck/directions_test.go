package rulecheck

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/internal/testtool"
)

// bothWayKeywords inspect both directions: they go with either flow and
// with a keyword of either direction.
var bothWayKeywords = strings.Fields(`http.header http.cookie http.header.raw
	http.protocol http.header_names http.start http.connection http.content_type
	http.content_len http.response_body file_data http_header http_cookie
	http_raw_header http_server_body tls.cert_subject tls.cert_issuer tls.certs
	tls.version ssl_state ssl_version dns.opcode ssh.proto ssh.software
	quic.version sip.protocol`)

// directionValues are the values the keywords that take one are tried with.
var directionValues = map[string]string{
	"urilen": ">1", "tls.version": "1.2", "ssl_state": "client_hello",
	"ssl_version": "tls1.2", "dns.opcode": "0", "nfs.version": "3",
	"mqtt.qos": "0", "mqtt.flags": "retain", "mqtt.protocol_version": "5",
	"mqtt.connack.session_present": "true", "mqtt.connect.flags": "username",
	"rfb.sectype": "2", "rfb.secresult": "1", "krb5.ticket_encryption": "rc4-hmac",
	"ike.chosen_sa_attribute": "alg_hash=2", "tls_cert_notbefore": ">2015",
	"tls_cert_notafter": ">2015", "tls.cert_chain_len": "2",
}

// directionSnippet returns options that use keyword k with a match.
func directionSnippet(k string) string {
	switch v, ok := directionValues[k]; {
	case ok:
		return fmt.Sprintf("%s:%s;", k, v)
	case k == "uricontent":
		return `uricontent:"x";`
	case httpModifiers[k]:
		return `content:"x"; ` + k + ";"
	case flagKeywords[k]:
		return k + ";"
	case strings.Contains(k, "hash"):
		return k + `; content:"e7eca2baf4458d095b7f45da28c16c34";`
	}
	return k + `; content:"x";`
}

// directionHeader returns the header protocol a rule with keyword k
// names.
func directionHeader(k string) string {
	switch p := keywordProtocols[k]; p {
	case "", "http", "http1":
		return "tcp"
	case "dns", "quic", "ike", "krb5", "snmp", "sip", "dhcp", "nfs":
		return "udp"
	}
	return "tcp"
}

// directionRules return rules mixing the one-direction keywords with
// each other, the both-way keywords, pcre HTTP flags and flows, and a
// "<>" rule with a flow.
func directionRules() []string {
	oneWay := slices.Sorted(maps.Keys(keywordDirections))
	flows := []string{"", "flow:to_server;", "flow:to_client;", "flow:established,from_server;", "flow:from_client,established;", "flow:established;"}
	var rules []string
	for _, k := range slices.Concat(oneWay, bothWayKeywords) {
		for _, f := range flows {
			rules = append(rules, fmt.Sprintf("%s any any -> any any (%s %s", directionHeader(k), directionSnippet(k), f))
		}
		rules = append(rules, fmt.Sprintf("%s any any <> any any (flow:to_server; %s", directionHeader(k), directionSnippet(k)))
	}
	for i, a := range oneWay {
		for _, b := range slices.Concat(oneWay[i+1:], bothWayKeywords) {
			if pa, pb := keywordProtocols[a], keywordProtocols[b]; pa != "" && pb != "" && pa != pb && !(strings.HasPrefix(pa, "http") && strings.HasPrefix(pb, "http")) {
				continue // refused for their protocols
			}
			rules = append(rules, fmt.Sprintf("%s any any -> any any (%s %s", directionHeader(a), directionSnippet(a), directionSnippet(b)))
		}
	}
	for _, flag := range "UIMPVWZSYHCQ" {
		for _, extra := range []string{"", `http.stat_code; content:"200";`, `http.uri; content:"y";`, "flow:to_client;", "flow:to_server;"} {
			rules = append(rules, fmt.Sprintf(`tcp any any -> any any (content:"x"; pcre:"/x/%c"; %s`, flag, extra))
		}
	}
	return append(rules,
		`smtp any any -> any any (filename; content:"x"; flow:to_client;`,
		`smtp any any -> any any (filemagic; content:"x"; flow:to_server;`,
		`smtp any any -> any any (file.name; content:"x"; flow:to_server;`,
		`smtp any any -> any any (file.name; content:"x"; flow:to_client;`,
		`http any any -> any any (filename; content:"x"; flow:to_client;`,
		`tls any any -> any any (tls_cert_expired; tls.sni; content:"x";`,
		`tcp any any -> any any (tls.cert_chain_len:2; flow:to_server;`,
		`tcp any any -> any any (tls.sni; content:"x"; tls.cert_chain_len:2;`,
		`tcp any any -> any any (tls.cert_chain_len:2; ja3.hash; content:"e7eca2baf4458d095b7f45da28c16c34";`,
		`tcp any any -> any any (http.uri; content:"x"; content:"200"; http_stat_code;`,
		`tcp any any -> any any (http.response_body; content:"x"; flow:to_server; http.uri; content:"y";`,
		`tcp any any -> any any (flow:to_server; http.response_body; content:"x"; http.uri; content:"y";`,
		`tcp any any -> any any (flow:established; http.response_body; content:"x"; http.uri; content:"y";`,
		`tcp any any -> any any (http.response_body; content:"x"; flow:established; http.uri; content:"y";`,
		`tcp any any <> any any (flow:to_client; http.uri; content:"y";`,
	)
}

// TestDirectionConflicts checks against the real Suricata 7 that a rule
// whose keywords, or keywords and flow, need both directions is refused,
// and every other combination loads. Rules the renderer refuses for
// another reason whatever their direction (a value it does not check, a
// protocol the shipped configuration leaves off) are left out.
func TestDirectionConflicts(t *testing.T) {
	if testing.Short() {
		t.Skip("real tool run skipped in -short mode")
	}
	suricata := testtool.Require(t, "suricata", "suricata")
	var lines []string
	for _, r := range directionRules() {
		line := fmt.Sprintf(`alert %s msg:"v"; sid:%d;)`, r, 1000+len(lines))
		if _, _, reason := Check(line); reason != "" && reason != DropDirection {
			continue
		}
		lines = append(lines, line)
	}
	refused := realtools.SuricataRefused(t, suricata, lines)
	var directionRefused int
	for i, line := range lines {
		_, _, reason := Check(line)
		directionRefused += min(len(reason), 1)
		if loads := !slices.Contains(refused, i); loads != (reason == "") {
			t.Errorf("Suricata loads it: %v, renderer's reason %q: %s", loads, reason, line)
		}
	}
	t.Logf("%d rules, %d refused for their directions", len(lines), directionRefused)
}

package rulecheck

import "testing"

// bufferContentRules have contents in buffers whose contents Suricata 7
// checks, with whether it loads them.
var bufferContentRules = []struct {
	options string
	loads   bool
}{
	{`tls.cert_fingerprint; content:"4a:5b:6c:7d:8e:9f:4a:5b:6c:7d:8e:9f:4a:5b:6c:7d:8e:9f:4a:5b";`, true},
	{`tls.cert_fingerprint; content:"4A:5B:6C:7D:8E:9F:4A:5B:6C:7D:8E:9F:4A:5B:6C:7D:8E:9F:4A:5B";`, true},
	{`tls.cert_fingerprint; content:"4a:5b:6c:7d:8e:9f:4a:5b:6c:7d:8e:9f:4a:5b:6c:7d:8e:9f:4a:5b"; nocase;`, true},
	{`tls.cert_fingerprint; content:"4a:";`, false},
	{`tls.cert_fingerprint; content:"4a:5b:6c:7d:8e:9f:4a:5b:6c:7d:8e:9f:4a:5b:6c:7d:8e:9f:4a:5b"; content:"4a";`, false},
	{`tls.cert_fingerprint; content:"4a-5b-6c-7d-8e-9f-4a-5b-6c-7d-8e-9f-4a-5b-6c-7d-8e-9f-4a-5b";`, false},
	{`tls_cert_fingerprint; content:"4a:5b";`, false},
	{`tls.cert_serial; content:"0A:1B";`, true},
	{`tls.cert_serial; content:"0A";`, true},
	{`tls.cert_serial; content:"0A1B";`, false},
	{`tls_cert_serial; content:"0A1B";`, false},
	{`tls.cert_serial; content:"0A:1B"; content:"0A1B";`, true},
	{`ja3.hash; content:"e7eca2baf4458d095b7f45da28c16c34";`, true},
	{`ja3.hash; content:"E7ECA2BAF4458D095B7F45DA28C16C34";`, true},
	{`ja3.hash; content:"e7eca2";`, false},
	{`ja3.hash; content:"e7eca2baf4458d095b7f45da28c16c34"; content:"e7";`, true},
	{`ja3_hash; content:"e7eca2";`, false},
	{`ja3s.hash; content:"e7eca2";`, false},
	{`ssh.hassh; content:"e7eca2baf4458d095b7f45da28c16c34";`, true},
	{`ssh.hassh; content:"e7eca2";`, false},
	{`ssh.hassh; content:"e7eca2baf4458d095b7f45da28c16c3z";`, false},
	{`ssh.hassh.server; content:"e7eca2baf4458d095b7f45da28c16c34"; content:"e7";`, false},
	{`http.host; content:"bad.example";`, true},
	{`http.host; content:"Bad.example";`, false},
	{`http.host; content:"|42|ad.example";`, false},
	{`http.host; content:"bad.example"; nocase;`, false},
	{`http.host; to_lowercase; content:"Bad.example";`, false},
	{`http.host; to_lowercase; content:"bad.example"; nocase;`, true},
	{`content:"Bad.example"; http_host;`, false},
	{`content:"bad.example"; http_host; content:"X";`, true},
	{`http.method; content:"GET";`, true},
	{`http.method; content:"GET ";`, false},
	{`http.method; content:"|09|GET";`, false},
	{`content:"POST "; http_method;`, false},
	{`http.uri; content:"/A b ";`, true},
	{`http.uri; to_uppercase; content:"/A";`, true},
	{`http.uri; to_lowercase; content:"|c3 80|";`, true},
	{`http.host; content:"|c3 80|";`, true},
	{`http.uri; to_uppercase; content:"/a";`, false},
	{`http.uri; to_uppercase; content:!"/a";`, true},
	{`http.uri; strip_whitespace; content:"/a|20|b";`, false},
	{`http.uri; strip_whitespace; content:"/ab";`, true},
	{`http.uri; compress_whitespace; content:"a b";`, true},
	{`http.uri; compress_whitespace; content:"a |09|b";`, false},
	{`http.uri; to_lowercase; strip_whitespace; content:"A";`, false},
	{`http.uri; to_lowercase; content:"x"; http.host; content:"a|0d|"; content:"A";`, false},
	{`http.header; to_lowercase; content:"x"; pkt_data; content:"A";`, true},
}

// TestBufferContentsAsSuricata checks the contents of buffers Suricata 7
// validates against the renderer and the real Suricata 7.
func TestBufferContentsAsSuricata(t *testing.T) {
	rules := make([]keywordRule, len(bufferContentRules))
	for i, r := range bufferContentRules {
		rules[i] = keywordRule{"tcp", r.options, r.loads}
	}
	checkRulesAsSuricata(t, rules)
}

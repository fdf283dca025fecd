package rulecheck

import "testing"

// dcerpcIfaceRules are rules with dcerpc.iface (dce_iface), with whether
// Suricata 7 loads them.
var dcerpcIfaceRules = []keywordRule{
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188;`, true},
	{"tcp", `dce_iface:975201B0-59CA-11D0-A8D5-00A0C90D8051;`, true},
	{"udp", `dce_iface:3919286a-b10c-11d0-9ba8-00c04fd92ef5; dce_opnum:9; dce_stub_data; content:"a";`, true},
	{"tcp", `dcerpc.iface: 4b324fc8-1670-01d3-1278-5a47bf6ee188 ;`, true},
	{"smb", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188;`, true},
	{"dcerpc", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188,any_frag;`, true},
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188,1;`, true},
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188,>1,any_frag;`, true},
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188,<2;`, true},
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188,1-3;`, true},
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188,65535;`, true},
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188,65536;`, false},
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188,any_frag,1;`, false},
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188,1,2;`, false},
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188,1,any_frag,x;`, false},
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188,ANY_FRAG;`, false},
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188, any_frag;`, false},
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188,;`, false},
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee18;`, false},
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee1888;`, false},
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee18g;`, false},
	{"tcp", `dcerpc.iface:4b324fc8+1670-01d3-1278-5a47bf6ee188;`, false},
	{"tcp", `dcerpc.iface:"4b324fc8-1670-01d3-1278-5a47bf6ee188";`, false},
	{"tcp", `dcerpc.iface:;`, false},
	{"tls", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188;`, false},
	{"tcp", `dcerpc.iface:4b324fc8-1670-01d3-1278-5a47bf6ee188; tls.sni; content:"a";`, false},
}

// TestDcerpcIfaceAsSuricata checks dcerpc.iface values against the
// renderer and the real Suricata 7.
func TestDcerpcIfaceAsSuricata(t *testing.T) {
	checkRulesAsSuricata(t, dcerpcIfaceRules)
}

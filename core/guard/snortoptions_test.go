package guard

import (
	"testing"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
)

// A rule from MISP may detect, not act on the sensor: rewrite or mark
// traffic, turn off logging, write files, run scripts, or change the
// datasets other rules read. Options that only shape its own alerts
// pass.
func TestSnortOptionsThatActOnTheSensor(t *testing.T) {
	p := New(site(config.Guard{}), config.NeverBlock{})
	ips := New(site(config.Guard{SnortActions: []string{"alert", "drop", "reject"}}), config.NeverBlock{})
	const head = `alert http any any -> any any (msg:"x"; `
	tests := []struct {
		name string
		p    *Policy
		opts string
		kept bool
	}{
		{"replace", p, `content:"abc"; replace:"xyz"; sid:1;)`, false},
		{"replace on an IPS", ips, `content:"abc"; replace:"xyz"; sid:1;)`, false},
		{"replace in upper case, spaced", p, `content:"abc"; REPLACE :"xyz"; sid:1;)`, false},
		{"nfq_set_mark", p, `content:"a"; nfq_set_mark:0x1/0xff; sid:1;)`, false},
		{"config turning off logging", p, `content:"a"; config: logging disable, type tx, scope tx; sid:1;)`, false},
		{"filestore", p, `content:"a"; filestore; sid:1;)`, false},
		{"filestore with a scope", p, `content:"a"; filestore:to_server,flow; sid:1;)`, false},
		{"tls_store", p, `tls_store; sid:1;)`, false},
		{"tls.store, its other name", p, `TLS.Store; sid:1;)`, false},
		{"lua", p, `lua:check.lua; sid:1;)`, false},
		{"luajit", p, `luajit:check.lua; sid:1;)`, false},
		{"dataset set", p, `http.user_agent; dataset:set,ua-seen,type string; sid:1;)`, false},
		{"dataset unset", p, `http.user_agent; dataset: unset ,ua-seen,type string; sid:1;)`, false},
		{"dataset isset saved", p, `http.user_agent; dataset:isset,ua,type string, save ua.lst; sid:1;)`, false},
		{"dataset isset with state", p, `http.user_agent; dataset:isset,ua,type string,state ua.lst; sid:1;)`, false},
		{"datarep saved", p, `http.user_agent; datarep:ua,>,50,type string,save ua.lst; sid:1;)`, false},
		{"resp", p, `content:"a"; resp:rst_all; sid:1;)`, false},
		{"react", p, `content:"a"; react:block; sid:1;)`, false},
		{"resp where reject is allowed", ips, `content:"a"; resp:rst_all; sid:1;)`, true},
		{"logto", p, `content:"a"; logto:"x.log"; sid:1;)`, false},
		{"on a second option after an escaped semicolon", p, `content:"a\;"; filestore; sid:1;)`, false},
		{"dataset isset loaded", p, `http.user_agent; dataset:isset,ua,type string,load ua.lst; sid:1;)`, true},
		{"dataset isnotset", p, `dns.query; dataset:isnotset,dns-seen,type string; sid:1;)`, true},
		{"datarep loaded", p, `http.user_agent; datarep:ua,>,50,type string,load ua.lst; sid:1;)`, true},
		{"flowbits and noalert", p, `content:"a"; flowbits:set,misp.x; noalert; sid:1;)`, true},
		{"threshold and detection_filter", p, `content:"a"; threshold:type limit,track by_src,count 1,seconds 60; detection_filter:track by_src,count 5,seconds 60; sid:1;)`, true},
		{"keywords as content", p, `content:"replace"; content:"filestore\; lua:x"; sid:1;)`, true},
		{"keyword after a semicolon in quotes", p, `content:"filestore; lua:x"; sid:1;)`, false},
		{"keyword in a message", p, `msg:"config: logging disable"; sid:1;)`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rule := head + tt.opts
			v, ok := tt.p.Check(indicator.Indicator{Type: indicator.Snort, Value: rule})
			if ok != tt.kept || !ok && v.Rule != RuleSnortAction {
				t.Errorf("Check(%q) = %+v, %v; want kept %v", rule, v, ok, tt.kept)
			}
		})
	}
}

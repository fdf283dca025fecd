package export

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/guard"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// The half a list takes of a composite attribute is kept out when the
// guard keeps out the other half: the lookup of that half says which
// rule keeps it out of the list, and the attribute it comes from, as for
// a value kept out by a rule of its own.
func TestLookupKeptOutByOtherHalf(t *testing.T) {
	sim := lookupEmulator(t, []mispsim.Attribute{
		{Type: "domain|ip", Value: "mail.corp-example.net|198.51.100.25", ToIDS: true},
		{Type: "domain|ip", Value: "c2.evil-example.xyz|198.51.100.53", ToIDS: true},
		{Type: "domain|ip", Value: "c3.evil-example.xyz|203.0.113.77", ToIDS: true},
	})
	url := misptest.Serve(t, sim)
	svc := New(inMemory(Options{Logger: slog.New(slog.DiscardHandler)}, "lookup pair test"))
	site := anyFeedRequest(url, "ipv4", "10y", "txt", 0).Site
	site.Guard = config.Guard{NeverBlock: config.NeverBlock{Domains: []string{"corp-example.net"}, CIDRs: []string{"198.51.100.53"}}}
	tests := []struct {
		value, dataType string
		carried         bool
		keptOut, other  string // the rule and the half it names, "" for none
	}{
		{"198.51.100.25", "ipv4", false, guard.RuleNeverBlock, "mail.corp-example.net"},
		{"c2.evil-example.xyz", "hostname", false, guard.RuleNeverBlock, "198.51.100.53"},
		{"203.0.113.77", "ipv4", true, "", ""},
		{"c3.evil-example.xyz", "hostname", true, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.value+"/"+tt.dataType, func(t *testing.T) {
			res, l := lookupAny(t, svc, site, url, tt.value, tt.dataType)
			if res.Guard != nil {
				t.Errorf("guard %+v: the value is kept out by no rule of its own", res.Guard)
			}
			rule, detail := "", ""
			if l.KeptOut != nil {
				rule, detail = l.KeptOut.Rule, l.KeptOut.Detail
			}
			if l.Error != "" || l.Carried != tt.carried || rule != tt.keptOut || !strings.Contains(detail, tt.other) ||
				l.Source == nil || l.Source.MISPType != "domain|ip" {
				t.Fatalf("any/%s = %+v (kept out %+v); want carried %v, kept out by %q, from the domain|ip attribute",
					tt.dataType, l, l.KeptOut, tt.carried, tt.keptOut)
			}
		})
	}
}

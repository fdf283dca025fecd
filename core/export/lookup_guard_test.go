package export

import (
	"log/slog"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/guard"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// A value MISP returns but the guard keeps out of a list is explained by
// the lookup with the rule and its detail.
func TestLookupGuardRefusal(t *testing.T) {
	sim := lookupEmulator(t, []mispsim.Attribute{
		{Type: "ip-dst", Value: "8.8.0.0/16", ToIDS: true},
		{Type: "ip-dst", Value: "8.9.0.0/16", ToIDS: true},
		{Type: "url", Value: "http://169.254.169.254/latest/meta-data", ToIDS: true},
		{Type: "url", Value: "http://45.77.16.40/gate.php", ToIDS: true},
	})
	if _, err := sim.AddWarninglist(mispsim.Warninglist{Name: "resolvers", Type: "cidr", List: []string{"8.8.4.4"}}); err != nil {
		t.Fatal(err)
	}
	url := misptest.Serve(t, sim)
	svc := New(inMemory(Options{Logger: slog.New(slog.DiscardHandler)}, "lookup guard test"))
	site := anyFeedRequest(url, "cidr4", "10y", "txt", 0).Site
	tests := []struct {
		value, dataType string
		rule, detail    string // "" carried
	}{
		{"8.8.0.0/16", "cidr4", guard.RuleWarninglist, "warninglist 1 resolvers (covers 8.8.4.4)"},
		{"8.9.0.0/16", "cidr4", "", ""},
		{"http://169.254.169.254/latest/meta-data", "url", guard.RuleReserved, "169.254.0.0/16 link-local"},
		{"http://45.77.16.40/gate.php", "url", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			_, l := lookupAny(t, svc, site, url, tt.value, tt.dataType)
			var got guard.Verdict
			if l.KeptOut != nil {
				got = *l.KeptOut
			}
			if l.Error != "" || l.Carried != (tt.rule == "") || got.Rule != tt.rule || got.Detail != tt.detail || l.Source == nil {
				t.Fatalf("any/%s = %+v (kept out %+v); want kept out by %q %q", tt.dataType, l, l.KeptOut, tt.rule, tt.detail)
			}
		})
	}
}

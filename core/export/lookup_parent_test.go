package export

import (
	"log/slog"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// A domain list carries every subdomain of its names (RPZ's "*." records,
// Squid's ".name"): the lookup of a name under a listed domain says the
// domain list carries it, as the domain, while a hostname list, which
// carries names alone, does not.
func TestLookupNameUnderListedDomain(t *testing.T) {
	sim := lookupEmulator(t, []mispsim.Attribute{
		{Type: "domain", Value: "evil-example.xyz", ToIDS: true},
		{Type: "hostname", Value: "c2.other-example.xyz", ToIDS: true},
	})
	url := misptest.Serve(t, sim)
	svc := New(inMemory(Options{Logger: slog.New(slog.DiscardHandler)}, "lookup parent test"))
	site := anyFeedRequest(url, "domain", "10y", "txt", 0).Site
	tests := []struct {
		value, dataType string
		carried         bool
		as              string
	}{
		{"evil-example.xyz", "domain", true, ""},
		{"www.evil-example.xyz", "domain", true, "evil-example.xyz"},
		{"a.b.evil-example.xyz", "domain", true, "evil-example.xyz"},
		{"www.evil-example.xyz", "hostname", false, ""},
		{"notevil-example.xyz", "domain", false, ""},
		{"c2.other-example.xyz", "hostname", true, ""},
		{"x.c2.other-example.xyz", "hostname", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.value+"/"+tt.dataType, func(t *testing.T) {
			_, l := lookupAny(t, svc, site, url, tt.value, tt.dataType)
			if l.Error != "" || l.Carried != tt.carried || l.As != tt.as || tt.carried && l.Source == nil {
				t.Fatalf("any/%s = %+v; want carried %v as %q", tt.dataType, l, tt.carried, tt.as)
			}
		})
	}
}

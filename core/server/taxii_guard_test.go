package server_test

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/taxii"
)

// addTAXIIGuardEvent adds the values of the issue to the block feed,
// next to one the guard lets through.
func addTAXIIGuardEvent(t *testing.T, sim *mispsim.Server) {
	t.Helper()
	var attrs []mispsim.Attribute
	for _, a := range [][2]string{{"ip-dst", "0.0.0.0/0"}, {"ip-dst", "10.0.0.1"}, {"ip-dst", "8.8.8.8"}, {"ip-dst", "192.168.1.0/24"},
		{"ip-dst", "198.51.100.77"}, {"domain", "www.partner.example"}, {"url", "https://partner.example/login"},
		{"ip-dst", "203.0.113.77"}, {"domain", "kept-in.evil-example.xyz"}, {"ip-dst", "192[.]0[.]2[.]200"}} {
		attrs = append(attrs, mispsim.Attribute{Type: a[0], Value: a[1], ToIDS: true})
	}
	if _, err := sim.AddEvent(mispsim.Event{Info: "taxii guard", Published: true, Tags: []string{"example:incident-classification=block"},
		Attributes: attrs}); err != nil {
		t.Fatal(err)
	}
}

// TestTAXIIGuardKeepsOut: a value the guard keeps out of every list is
// never an object of a collection.
func TestTAXIIGuardKeepsOut(t *testing.T) {
	h := newHarness(t, withSite(func(s *config.Site) {
		s.Guard.NeverBlock = config.NeverBlock{CIDRs: []string{"198.51.100.77"}, Domains: []string{"partner.example"}}
	}))
	addGuardEvent(t, h.sim)
	addTAXIIGuardEvent(t, h.sim)
	never := []string{"'0.0.0.0", "'::/0'", "'10.0.0.1'", "'192.168.1.0/24'", "'198.51.100.77'", "partner.example",
		"pass ip any", "drop ip any"}
	tests := []struct {
		feed    string
		want    []string
		wantNot []string
	}{
		{feed: "block",
			want: []string{"[ipv4-addr:value = '203.0.113.77']", "[ipv4-addr:value = '45.77.16.40']", "[domain-name:value = 'kept-in.evil-example.xyz']",
				"[ipv6-addr:value = '2a03:b0c0::1']", "sid:3000001"},
			wantNot: append([]string{"'8.8.8.8'", "'8.8.4.4'"}, never...)},
		// Feed 42 does not ask MISP to enforce warninglists, as its lists.
		{feed: "42", want: []string{"[ipv4-addr:value = '8.8.8.8']", "[ipv4-addr:value = '203.0.113.77']"}, wantNot: never},
	}
	for _, tt := range tests {
		t.Run(tt.feed, func(t *testing.T) {
			got := patterns(newPoller(h, tt.feed).poll(t))
			all := strings.Join(got, "\n")
			checkContains(t, "the collection", all, tt.want, tt.wantNot)
			if strings.Contains(all, "revoked") {
				t.Errorf("revoked objects in a first poll:\n%s", all)
			}
		})
	}
}

// TestTAXIIGuardRevokesNewlyKeptOut: a value that becomes kept out (the
// operator adds it to never_block, MISP enables a warninglist) is
// revoked like one that left the feed, and nothing else changes.
func TestTAXIIGuardRevokesNewlyKeptOut(t *testing.T) {
	h := newHarness(t, func(h *harness) { h.taxii = taxii.NewManager(nil, nil) })
	addTAXIIGuardEvent(t, h.sim)
	block := newPoller(h, "block")
	first := patterns(block.poll(t))
	if all := strings.Join(first, "\n"); !strings.Contains(all, "[ipv4-addr:value = '203.0.113.77']") || !strings.Contains(all, "[ipv4-addr:value = '192.0.2.200']") {
		t.Fatalf("first poll: %v", first)
	}
	tests := []struct {
		name string
		edit func(*config.Site, *mispsim.Server)
		want []string
	}{
		{name: "an address", edit: func(s *config.Site, _ *mispsim.Server) { s.Guard.NeverBlock.CIDRs = []string{"203.0.113.77/32"} },
			want: []string{"revoked [ipv4-addr:value = '203.0.113.77']"}},
		{name: "a domain", edit: func(s *config.Site, _ *mispsim.Server) { s.Guard.NeverBlock.Domains = []string{"evil-example.xyz"} },
			want: []string{"revoked [domain-name:value = 'kept-in.evil-example.xyz']"}},
		// MISP enables a warninglist; MISP's own enforcement misses the
		// defanged value, the guard does not.
		{name: "a warninglist", edit: func(_ *config.Site, sim *mispsim.Server) {
			if _, err := sim.AddWarninglist(mispsim.Warninglist{Name: "Our own hosts", Type: "cidr",
				MatchingAttributes: []string{"ip-dst"}, List: []string{"192.0.2.200"}}); err != nil {
				t.Fatal(err)
			}
		}, want: []string{"revoked [ipv4-addr:value = '192.0.2.200']"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The site file changes; the server reads it again (a new
			// process on the same TAXII history).
			site := *h.site
			tt.edit(&site, h.sim)
			h.site = &site
			h.start()
			got := block.poll(t)
			if p := patterns(got); strings.Join(p, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("after the never_block change: %v, want %v", p, tt.want)
			}
			if block.poll(t) != nil {
				t.Error("a second poll sees more")
			}
		})
	}
}

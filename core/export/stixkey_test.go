package export_test

import (
	"testing"

	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// A setting that is part of a list's cache key (a guard rule,
// never_block, a renderer option) puts the list under a new key, but a
// TIP holds the bundle last served under the old one: an indicator's
// modified time never goes back from it, in the process, after a restart
// with the shared level (the list's last key) and the state directory
// (its last good list), and after a restart with the state directory
// alone (the key last served at the list's URL is kept there too).
func TestBundleModifiedNeverGoesBackAcrossSettings(t *testing.T) {
	neverBlock := func(o *export.Options, _ *config.Site) {
		o.NeverBlock = config.NeverBlock{CIDRs: []string{"100.128.0.9"}}
	}
	siteNeverBlock := func(_ *export.Options, s *config.Site) { s.Guard.NeverBlock.CIDRs = []string{"100.128.0.9"} }
	minPrefix := func(_ *export.Options, s *config.Site) { s.Guard.MinPrefixV4 = 16 }
	tests := []struct {
		name    string
		shared  bool // a shared level (memcached) outlives the process
		restart bool
		change  func(o *export.Options, s *config.Site)
	}{
		{"site never_block", true, false, siteNeverBlock},
		{"min_prefix_v4", true, false, minPrefix},
		{"renderer option", true, false, func(_ *export.Options, s *config.Site) {
			s.Renderers = map[string]map[string]string{stix21.Name: {stix21.OptIdentityName: stix21.DefaultIdentityName}}
		}},
		{"site never_block, restart", true, true, siteNeverBlock},
		{"never_block, restart, no shared level", false, true, neverBlock},
		{"min_prefix_v4, restart, no shared level", false, true, minPrefix},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var opts export.Options
			if tc.shared {
				opts.Shared = cache.NewMemory(1 << 20)
			}
			r := newStixRig(t, opts)
			r.get()
			served := r.deleteNewest()
			before := modifiedOf(t, served, r.id)

			site := *r.e.site
			var changed export.Options
			tc.change(&changed, &site)
			r.req.Site = &site
			if tc.restart {
				r.restart(func(o *export.Options) {
					if changed.NeverBlock.CIDRs != nil {
						o.NeverBlock = changed.NeverBlock
					}
				})
			}
			r.e.clock.Add(120)
			bundle := r.get()
			if after := modifiedOf(t, bundle, r.id); after < before {
				t.Fatalf("modified %s under the new settings, earlier than the %s served:\n%s\nserved before:\n%s", after, before, bundle, served)
			}
		})
	}
}

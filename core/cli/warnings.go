package cli

import "github.com/cratos-project/cratos/core/config"

// configWarnings lists everything accepted but unsafe in a configuration
// and its sites: weak secrets, allow-lists a local proxy opens to every
// client, sites without allow-lists, ignored entries.
func configWarnings(cfg *config.Config, sites []*config.Site) []string {
	out := cfg.Warnings()
	out = append(out, cfg.ProxyWarnings(sites)...)
	for _, s := range sites {
		out = append(out, config.SiteWarnings(cfg, s)...)
	}
	return out
}

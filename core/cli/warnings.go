package cli

import "github.com/cratos-project/cratos/core/config"

// configWarnings lists everything accepted but unsafe in a configuration
// and its sites: weak secrets, allow-lists a local proxy opens to every
// client, sites without allow-lists, ignored entries, files of the sites
// directory not loaded for their name.
func configWarnings(cfg *config.Config, sites *config.Sites) []string {
	all := sites.All()
	out := cfg.Warnings()
	out = append(out, cfg.ProxyWarnings(all)...)
	for _, s := range all {
		out = append(out, config.SiteWarnings(cfg, s)...)
	}
	return append(out, sites.FileWarnings()...)
}

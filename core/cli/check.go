package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/renderers"
)

// runCheck validates a configuration, its site files and its DNS zones'
// tokens as serve would, probes each site's MISP and prints every warning. Exit status: 0 when
// everything loads and every probed MISP answers (warnings included), 1
// when a MISP does not answer, 2 when a file does not load.
func runCheck(args []string, stdout, stderr io.Writer) error {
	flags := newServiceFlags("check", serviceFlagUsage{
		config:   "configuration file (sites from its sites_dir)",
		listen:   "listen address serve is given with --listen, checked instead of the configuration's listen",
		stateDir: "state directory serve is given with --state-dir, checked instead of the configuration's state_dir",
	}, stderr)
	cfg, err := flags.load(args, stdout)
	if err != nil {
		return err
	}
	registry := renderers.Builtin().Clone()
	if err := checkPluginFiles(cfg, registry); err != nil {
		return usageError("%v: serve would not start", err)
	}
	sites, err := config.LoadSites(cfg.SitesDir, skipPluginOptions(cfg, rendererCheck(registry, slog.New(slog.DiscardHandler))))
	if err != nil {
		return usageError("%v", err)
	}
	if err := checkDNS(cfg); err != nil {
		return usageError("%s: %v", cfg.Path, err)
	}
	zoneWarnings, err := checkZoneClaims(cfg, sites, time.Now)
	if err != nil {
		return usageError("%v", err)
	}
	var accessNote string
	if cfg.AccessLog != "" {
		note, err := accessLogFinding(accessLogWritable(cfg.AccessLog))
		if err != nil {
			return usageError("%s: %v: serve would not start", cfg.Path, err)
		}
		accessNote = note
	}
	if addrs := cfg.MemcachedAddrs(); len(addrs) > 0 {
		mc, err := cache.NewMemcached(cache.Options{Servers: addrs})
		if err != nil {
			return usageError("%s: memcached: %v: serve would not start", cfg.Path, err)
		}
		_ = mc.Close()
	}
	listenNotes, err := probeListens(cfg)
	if err != nil {
		return usageError("%s: %v: serve would not start", cfg.Path, err)
	}
	all := sites.All()
	fmt.Fprintf(stdout, "%s: loads; %d site file(s) in %s\n", cfg.Path, len(all), cfg.SitesDir)
	if len(cfg.Plugins) > 0 {
		fmt.Fprintf(stdout, "note: %d plugin(s) are not launched by check (their names and sha256 are checked); their renderers' site options are checked by serve\n", len(cfg.Plugins))
	}
	for _, n := range listenNotes {
		fmt.Fprintln(stdout, "note: "+n)
	}
	if accessNote != "" {
		fmt.Fprintln(stdout, "note: "+accessNote)
	}
	warnings := append(configWarnings(cfg, sites), zoneWarnings...)
	if cfg.StateDir != "" {
		if err := state.Writable(cfg.StateDir); err != nil {
			warnings = append(warnings, "state_dir "+strings.TrimPrefix(err.Error(), "state: ")+": last good lists, DNS zones and TAXII histories will not be kept across a restart")
		}
	}
	if len(all) == 0 {
		warnings = append(warnings, "no site files: every token will be refused")
	}
	failed := 0
	for _, line := range probeSites(all) {
		fmt.Fprintln(stdout, line.text)
		if line.failed {
			failed++
		}
	}
	for _, w := range warnings {
		fmt.Fprintln(stdout, "warning: "+w)
	}
	if failed > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("check: %d MISP instance(s) do not answer", failed)}
	}
	fmt.Fprintf(stdout, "ok (%d warning(s))\n", len(warnings))
	return nil
}

type probeLine struct {
	text   string
	failed bool
}

// probeSites asks each enabled site's MISP (misp_url) for its version
// without a key: it answers when MISP itself does (misp.IsVersionAnswer),
// its version or its refusal of a request without a key; a 5xx, a login
// page or a proxy's refusal is a server answering, not MISP.
func probeSites(sites []*config.Site) []probeLine {
	out := make([]probeLine, len(sites))
	var wg sync.WaitGroup
	for i, s := range sites {
		switch {
		case !s.IsEnabled():
			out[i] = probeLine{text: fmt.Sprintf("site %s: disabled", s.Name)}
			continue
		case s.MISPURL == "":
			out[i] = probeLine{text: fmt.Sprintf("site %s: no misp_url, MISP not probed (tokens carry the URL; set misp_url to check it)", s.Name)}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The client's Timeout, the site's mispTimeoutSeconds, bounds
			// the probe, and an error names it.
			cl := misp.New(misp.Options{Site: s.Name, BaseURL: s.MISPURL, Timeout: time.Duration(s.MISPTimeoutSeconds) * time.Second, VerifyCert: s.VerifyCert(), UserAgent: "Cratos/" + version()})
			body, err := cl.GetJSON(context.Background(), "/servers/getVersion.json")
			if misp.IsVersionAnswer(body, err) {
				out[i] = probeLine{text: fmt.Sprintf("site %s: MISP at %s answers", s.Name, s.MISPURL)}
				return
			}
			text := fmt.Sprintf("site %s: MISP at %s does not answer: %v", s.Name, s.MISPURL, err)
			if err == nil {
				text = fmt.Sprintf("site %s: MISP at %s does not answer: a server answers getVersion without a MISP version", s.Name, s.MISPURL)
			} else if advice := connectAdvice(err, "mispVerifyCert: false in the site file"); advice != "" {
				text += ": " + advice
			}
			out[i] = probeLine{text: text, failed: true}
		}()
	}
	wg.Wait()
	return out
}

// jsonField returns the string field name of a JSON object, or "".
func jsonField(body []byte, name string) string {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	s, _ := m[name].(string)
	return s
}

package cli

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/auth"
)

// TestZoneRebuiltDuringAReload: a DNS zone whose lists are being built
// when a reload revokes its token takes nothing of them (the rebuild
// fails as one after the reload does), and one whose site's guard changed
// meanwhile is built once more under the new guard, never left with a
// name the new site file keeps out until its next rebuild.
//
// It waits out a slow MISP read, in parallel with the other tests that
// wait, each case on its own emulator (a fault is the emulator's).
func TestZoneRebuiltDuringAReload(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		site    string // site file lines added by the reload
		want    string // the rebuild's error, "" for none
		lacks   string // a name the zone text must not hold
		carries string // a name it must hold
	}{
		{"token revoked", "blacklisted_api_tokens:\n  - %FP%\n", "token revoked in site %HOST%", "", ""},
		{"guard never_block added", "guard:\n  never_block:\n    domains: [blocked.example.test]\n", "",
			"blocked.example.test", "kept.example.test"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim, simURL := startSim(t, blockEvent("block", attr("domain", "blocked.example.test"), attr("domain", "kept.example.test")))
			e := startE2E(t, simURL, func(token string) string {
				return "dns:\n  listen: \"127.0.0.1:0\"\n  zones:\n    - name: rpz.cratos\n      token: \"" + token + "\"\n      feed: block\n      data_types: [domain]\n"
			})
			if resp, _ := e.get(t, "GET", "/robots.txt"); resp.StatusCode != 200 {
				t.Fatalf("robots.txt: %d", resp.StatusCode)
			}
			host := strings.TrimSuffix(filepath.Base(e.svc.sites.All()[0].Path), ".yaml")
			path := filepath.Join(e.cfg.SitesDir, host+".yaml")
			old, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// MISP is slowed below: give it the time.
			site := strings.Replace(string(old), "mispTimeoutSeconds: 5\n", "mispTimeoutSeconds: 60\n", 1)
			reload := func(text string) {
				t.Helper()
				if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
				if errs := e.svc.sites.Reload(); len(errs) > 0 {
					t.Fatalf("reload: %v", errs)
				}
			}
			reload(site)
			zones, err := dnsZones(e.cfg, e.svc, time.Now, slog.New(slog.DiscardHandler))
			if err != nil || len(zones) != 1 {
				t.Fatalf("dnsZones: %d zones, %v", len(zones), err)
			}
			before := sim.RestSearchCount()
			sim.SetFault(mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 5 * time.Second, RestSearchOnly: true, Times: 1})
			type built struct {
				text string
				err  error
			}
			done := make(chan built, 1)
			go func() {
				text, err := zones[0].Source(context.Background())
				done <- built{text, err}
			}()
			for deadline := time.Now().Add(time.Minute); sim.RestSearchCount() == before; time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("no MISP search within a minute")
				}
			}
			reload(site + strings.ReplaceAll(tc.site, "%FP%", auth.Fingerprint(e.token)))
			got := <-done
			want := strings.ReplaceAll(tc.want, "%HOST%", host)
			switch {
			case want != "" && (got.err == nil || got.err.Error() != want):
				t.Errorf("rebuild: error %v, want %q; zone text:\n%s", got.err, want, got.text)
			case want == "" && got.err != nil:
				t.Fatalf("rebuild: %v", got.err)
			case tc.lacks != "" && strings.Contains(got.text, tc.lacks):
				t.Errorf("zone text holds %s:\n%s", tc.lacks, got.text)
			case tc.carries != "" && !strings.Contains(got.text, tc.carries):
				t.Errorf("zone text lacks %s:\n%s", tc.carries, got.text)
			}
		})
	}
}

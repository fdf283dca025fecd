package cli

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/dnsprimary"
)

// TestZoneSourceRechecksToken: every rebuild of a DNS zone checks its
// token as the HTTP routes do, so a token that has expired, been revoked
// in its site file, or whose site was disabled or removed after start-up
// stops reading MISP, and the zone keeps its last content.
func TestZoneSourceRechecksToken(t *testing.T) {
	_, simURL := startSim(t, blockEvent("block", attr("domain", "blocked.example.test")))
	tests := []struct {
		name string
		site string // site file lines added after start-up; "-" removes the file
		now  string // the clock at the rebuild (local time)
		want string // the rebuild's error, "" for none
		// reason is the failure reason the zone's metrics count it under.
		reason string
	}{
		{"valid", "", "2098-12-31T12:00:00", "", ""},
		{"expired", "", "2099-01-01T00:00:01", "token of site %HOST%: auth: verify: " + auth.ErrExpired.Error(), dnsprimary.FailToken},
		{"revoked", "blacklisted_api_tokens:\n  - %FP%\n", "2098-12-31T12:00:00", "token revoked in site %HOST%", dnsprimary.FailToken},
		{"disabled", "enabled: false\n", "2098-12-31T12:00:00", "site %HOST% disabled", dnsprimary.FailSite},
		{"lifetime over token_max_days", "token_max_days: 30\n", "2030-01-01T12:00:00", "token lifetime over token_max_days of site %HOST%", dnsprimary.FailToken},
		{"site removed", "-", "2098-12-31T12:00:00", "site %HOST% is gone", dnsprimary.FailSite},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := startZoneE2E(t, simURL, "      data_types: [domain]\n")
			// Serving has begun once a request is answered: only then
			// does the clean-up's shutdown stop it.
			if resp, _ := e.get(t, "GET", "/robots.txt"); resp.StatusCode != 200 {
				t.Fatalf("robots.txt: %d", resp.StatusCode)
			}
			now, err := time.ParseInLocation("2006-01-02T15:04:05", "2030-01-01T00:00:00", time.Local)
			if err != nil {
				t.Fatal(err)
			}
			zones, err := dnsZones(e.cfg, e.svc, func() time.Time { return now }, slog.New(slog.DiscardHandler))
			if err != nil || len(zones) != 1 {
				t.Fatalf("dnsZones: %d zones, %v", len(zones), err)
			}
			host := strings.TrimSuffix(filepath.Base(e.svc.sites.All()[0].Path), ".yaml")
			path := filepath.Join(e.cfg.SitesDir, host+".yaml")
			switch tc.site {
			case "":
			case "-":
				// Another site stays: a reload keeps the sites of a
				// directory left with none.
				if err := os.WriteFile(filepath.Join(e.cfg.SitesDir, "bystander.example.yaml"), []byte("tag: example\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
			default:
				old, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				// enabled defaults to true: drop the line so a case may set it.
				text := strings.Replace(string(old), "enabled: true\n", "", 1) + strings.ReplaceAll(tc.site, "%FP%", auth.Fingerprint(e.token))
				if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if errs := e.svc.sites.Reload(); len(errs) > 0 {
				t.Fatalf("reload: %v", errs)
			}
			if now, err = time.ParseInLocation("2006-01-02T15:04:05", tc.now, time.Local); err != nil {
				t.Fatal(err)
			}
			text, err := zones[0].Source(context.Background())
			want := strings.ReplaceAll(tc.want, "%HOST%", host)
			switch {
			case want == "" && err != nil:
				t.Fatalf("rebuild: %v", err)
			case want == "" && !strings.Contains(text, "blocked.example.test"):
				t.Errorf("zone text lacks blocked.example.test:\n%s", text)
			case want != "" && (err == nil || err.Error() != want):
				t.Errorf("rebuild: error %v, want %q", err, want)
			}
			if err != nil && dnsprimary.FailureReason(err) != tc.reason {
				t.Errorf("rebuild: reason %s, want %s", dnsprimary.FailureReason(err), tc.reason)
			}
			if tc.name == "expired" && !errors.Is(err, auth.ErrExpired) {
				t.Errorf("rebuild: error %v does not wrap ErrExpired", err)
			}
			if err != nil && strings.Contains(err.Error(), e.token) {
				t.Errorf("rebuild error holds the token")
			}
		})
	}
}

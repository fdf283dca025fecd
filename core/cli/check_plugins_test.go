package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// pluginConfig returns a configuration naming one plugin, name, whose
// binary (never launched by check) is body, with sum as its sha256 ("" for
// the right one), and a site whose file ends with siteExtra.
func pluginConfig(t *testing.T, name, body, sum, siteExtra string) (cfg, bin string) {
	t.Helper()
	bin = filepath.Join(t.TempDir(), "routeros")
	if err := os.WriteFile(bin, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	if sum == "" {
		s := sha256.Sum256([]byte(body))
		sum = hex.EncodeToString(s[:])
	}
	conf := fmt.Sprintf("plugins:\n  - {name: %s, path: %s, sha256: %s}\n", name, bin, sum)
	cfg = testtool.ConfigLayout(t, testConfig+conf, map[string]string{
		"misp.example.net.yaml": "tag: t\nallowed_ips: [192.0.2.0/24]\n" + siteExtra})
	return cfg, bin
}

// TestCheckTakesPluginOptions: check, which launches no plugin, leaves a
// configured plugin's site options to serve, as its note says, rather
// than refusing them as options of no renderer; a renderer neither
// built in nor configured is still refused.
func TestCheckTakesPluginOptions(t *testing.T) {
	tests := []struct {
		name, site string
		code       int
		want       string
	}{
		{"plugin options", "renderers: {routeros: {list: misp-block}}\n", 0, "note: 1 plugin(s) are not launched by check"},
		{"misspelt plugin", "renderers: {routerso: {list: misp-block}}\n", 2, `no renderer named "routerso"`},
		{"built-in option", "renderers: {rpz: {policy: nodataa}}\n", 2, `option policy`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _ := pluginConfig(t, "routeros", "#!/bin/sh\nexit 1\n", "", tc.site)
			code, stdout, stderr := run1("check", "--config", cfg)
			if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d with %q", code, stdout, stderr, tc.code, tc.want)
			}
		})
	}
}

// TestCheckPluginFiles: a plugin whose binary is missing or has another
// sha256 than the configured one, or whose name a built-in renderer has,
// stops serve before any plugin runs, and check refuses it the same way.
func TestCheckPluginFiles(t *testing.T) {
	const body = "#!/bin/sh\nexit 1\n"
	tests := []struct {
		name, plugin, sum, want string
		remove                  bool
	}{
		{"another sha256", "routeros", strings.Repeat("ab", 32), "has sha256 ", false},
		{"missing binary", "routeros", "", "no such file or directory", true},
		{"built-in name", "txt", "", `name "txt" is taken by a built-in renderer`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, bin := pluginConfig(t, tc.plugin, body, tc.sum, "")
			if tc.remove {
				if err := os.Remove(bin); err != nil {
					t.Fatal(err)
				}
			}
			code, stdout, stderr := run1("check", "--config", cfg)
			if code != 2 || !strings.Contains(stderr, tc.want) || strings.Contains(stdout, "ok (") {
				t.Errorf("check: exit %d, stdout %q, stderr %q; want exit 2 with %q", code, stdout, stderr, tc.want)
			}
			if code, _, stderr := run1("serve", "--config", cfg, "--listen", "127.0.0.1:0"); code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("serve: exit %d, stderr %q; want exit 2 with %q", code, stderr, tc.want)
			}
		})
	}
}

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

// pluginConfig returns a configuration naming one plugin, routeros, whose
// binary (never launched by check) is body, with sum as its sha256 ("" for
// the right one), and a site whose file ends with siteExtra.
func pluginConfig(t *testing.T, body, sum, siteExtra string) (cfg, bin string) {
	t.Helper()
	bin = filepath.Join(t.TempDir(), "routeros")
	if err := os.WriteFile(bin, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	if sum == "" {
		s := sha256.Sum256([]byte(body))
		sum = hex.EncodeToString(s[:])
	}
	conf := fmt.Sprintf("plugins:\n  - {name: routeros, path: %s, sha256: %s}\n", bin, sum)
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
			cfg, _ := pluginConfig(t, "#!/bin/sh\nexit 1\n", "", tc.site)
			code, stdout, stderr := run1("check", "--config", cfg)
			if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d with %q", code, stdout, stderr, tc.code, tc.want)
			}
		})
	}
}

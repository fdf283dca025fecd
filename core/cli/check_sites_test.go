package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool"
)

// TestYmlSiteFileIsNamed: a sites/<fqdn>.yml file, which serve does not
// load, is named by check in a warning (exit 0) and by serve's log at a
// reload, rather than passed over in silence.
func TestYmlSiteFileIsNamed(t *testing.T) {
	cfgPath := testtool.ConfigLayout(t, testConfig, map[string]string{
		"misp.example.net.yaml":  "tag: t\nallowed_ips: [192.0.2.0/24]\n",
		"misp.other.example.yml": "tag: t\nallowed_ips: [192.0.2.0/24]\n",
	})
	yml := filepath.Join(filepath.Dir(filepath.Dir(cfgPath)), "sites", "misp.other.example.yml")
	warning := yml + ": not loaded: a site file is named <fqdn>.yaml; rename it misp.other.example.yaml"
	code, stdout, stderr := run1("check", "--config", cfgPath)
	if code != 0 || !strings.Contains(stdout, "\nwarning: "+warning+"\n") || !strings.Contains(stdout, "1 site file(s)") {
		t.Errorf("check: exit %d, stdout %q, stderr %q; want exit 0, one site and the warning %q", code, stdout, stderr, warning)
	}
	svc, logger, logs := assembleFromFile(t, cfgPath, startFlags{})
	reloadAndLog(svc, logger)
	if n := strings.Count(logs.String(), `"msg":"sites: `+warning+`"`); n != 1 {
		t.Errorf("the reload logs the warning %d times, want once; log:\n%s", n, logs.String())
	}
}

package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The shipped examples load, agree with deploy/nginx-cratos.conf (the
// proxy on 127.0.0.1 is trusted, no allow-list holds it) and are only
// warned about for their placeholder secrets.
func TestShippedExamples(t *testing.T) {
	dir := t.TempDir()
	for src, dst := range map[string]string{
		"../../config/config.yaml.example":  "config/config.yaml",
		"../../sites/misp.example.net.yaml": "sites/misp.example.net.yaml",
	} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, dst)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := Load(filepath.Join(dir, "config", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sites, err := LoadSites(cfg.SitesDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	nginx, err := os.ReadFile("../../deploy/nginx-cratos.conf")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(nginx), "server 127.0.0.1:8080;") || cfg.Listen != "127.0.0.1:8080" {
		t.Fatalf("nginx upstream and listen %q disagree", cfg.Listen)
	}
	if len(cfg.TrustedProxies) != 1 || cfg.TrustedProxies[0].String() != "127.0.0.1/32" {
		t.Errorf("trusted_proxies %v: want the nginx host, 127.0.0.1/32", cfg.TrustedProxies)
	}
	w := cfg.Warnings()
	w = append(w, cfg.ProxyWarnings(sites.All())...)
	for _, s := range sites.All() {
		w = append(w, SiteWarnings(cfg, s)...)
	}
	if len(w) != 2 || !strings.HasPrefix(w[0], "encryption_key is a placeholder") || !strings.HasPrefix(w[1], "salt is a placeholder") {
		t.Errorf("warnings %q: want exactly the two placeholder secrets", w)
	}
}

package testtool

import (
	"os"
	"path/filepath"
	"testing"
)

// ConfigLayout writes cfg as config/config.yaml and each of sites as
// sites/<name> under a new temporary directory, as a deployment lays
// them out, and returns the path of config.yaml.
func ConfigLayout(t testing.TB, cfg string, sites map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"config", "sites"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "config", "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, body := range sites {
		if err := os.WriteFile(filepath.Join(dir, "sites", name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// WriteFile writes text to path (mode 0644), creating the directories
// above it.
func WriteFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

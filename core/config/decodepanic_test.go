package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mergeBesideComplexKey is YAML on which the decoder panics: a merge key
// (<<) in a mapping one of whose keys is a list.
const mergeBesideComplexKey = "? [a]\n: 1\n<<: {b: 1}\n"

// A file the YAML decoder panics on is refused with an error: a site
// file so written at a reload keeps its previous version, and
// config.yaml and mappings.yaml are refused at start. The panic ended
// the process, at a SIGHUP while every device was being served.
func TestFileTheDecoderPanicsOnIsRefused(t *testing.T) {
	const want = ": the YAML decoder failed: runtime error: hash of unhashable type"
	t.Run("site file at a reload", func(t *testing.T) {
		cfg, sites := loadLayout(t, originalConfig, map[string]string{"misp.example.net.yaml": originalSite})
		path := filepath.Join(cfg.SitesDir, "misp.example.net.yaml")
		if err := os.WriteFile(path, []byte("tag: x\n"+mergeBesideComplexKey), 0o600); err != nil {
			t.Fatal(err)
		}
		errs := sites.Reload()
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), path+want) {
			t.Fatalf("reload: %v, want one error containing %q", errs, path+want)
		}
		if st, ok := sites.Get("misp.example.net"); !ok || st.Tag != "example" {
			t.Fatalf("the previous version is not kept: %v %v", st, ok)
		}
	})
	for _, file := range []string{"config.yaml", "mappings.yaml"} {
		t.Run(file, func(t *testing.T) {
			cfg := layout(t, originalConfig, nil)
			path := filepath.Join(filepath.Dir(cfg), file)
			if err := os.WriteFile(path, []byte(mergeBesideComplexKey), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := Load(cfg); err == nil || !strings.Contains(err.Error(), path+want) {
				t.Fatalf("load: %v, want an error containing %q", err, path+want)
			}
		})
	}
}

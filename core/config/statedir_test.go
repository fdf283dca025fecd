package config

import (
	"path/filepath"
	"testing"
)

func TestStateDir(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"", "state"},                     // beside config/
		{"state_dir: run/state\n", "rel"}, // relative to the config file
		{"state_dir: /var/lib/cratos\n", "/var/lib/cratos"},
	} {
		path := layout(t, originalConfig+tc.line, map[string]string{"misp.example.net.yaml": originalSite})
		cfg, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		want := tc.want
		switch want {
		case "state":
			want = filepath.Join(filepath.Dir(filepath.Dir(path)), "state")
		case "rel":
			want = filepath.Join(filepath.Dir(path), "run", "state")
		}
		if cfg.StateDir != want {
			t.Errorf("%q: state_dir %q, want %q", tc.line, cfg.StateDir, want)
		}
	}
}

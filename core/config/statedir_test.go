package config

import (
	"path/filepath"
	"testing"
	"time"
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

// state_max_age_days defaults to 30 days; 0 keeps the lists for ever.
func TestStateMaxAge(t *testing.T) {
	const day = 24 * time.Hour
	testKey(t, "max age", (*Config).StateMaxAge, []keyCase[time.Duration]{
		{"", 30 * day, ""},
		{"state_max_age_days: 7\n", 7 * day, ""},
		{"state_max_age_days: 0\n", 0, ""},
		{"state_max_age_days: -1\n", 0, "state_max_age_days -1: want 0-36500"},
		{"state_max_age_days: 1.5\n", 0, "want a whole number"},
	})
}

// state_max_bytes defaults to 10 GiB; 0 is no bound; a negative or
// non-integer value is refused.
func TestStateMaxBytes(t *testing.T) {
	testKey(t, "state bytes", (*Config).StateListBytes, []keyCase[int64]{
		{"", 10 << 30, ""},
		{"state_max_bytes: 1073741824\n", 1 << 30, ""},
		{"state_max_bytes: 0\n", 0, ""},
		{"state_max_bytes: -1\n", 0, "state_max_bytes must not be negative"},
		{"state_max_bytes: 1.5\n", 0, "want a whole number"},
		{"state_max_bytes: 1e9\n", 0, "want a whole number"},
		{"state_max_bytes: 10GiB\n", 0, "cannot unmarshal"},
	})
}

// keyCase is a line added to config.yaml, and the value it sets or the
// error the load fails with.
type keyCase[T comparable] struct {
	line string
	want T
	err  string
}

// testKey loads each case's line and checks the value that value reads
// of it, named what, or the load's error.
func testKey[T comparable](t *testing.T, what string, value func(*Config) T, cases []keyCase[T]) {
	t.Helper()
	for _, tc := range cases {
		cfg := loadKeys(t, tc.line, tc.err)
		if cfg == nil {
			continue
		}
		if got := value(cfg); got != tc.want {
			t.Errorf("%q: %s %v, want %v", tc.line, what, got, tc.want)
		}
	}
}

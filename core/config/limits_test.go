package config

import (
	"strings"
	"testing"
)

// max_connections below the per-address default lowers that default with
// it; both set, the per-address cap must not exceed the total.
func TestConnectionLimits(t *testing.T) {
	tests := []struct {
		name, keys string
		total, per int
		err        string
	}{
		{"defaults", "", DefaultMaxConnections, DefaultMaxConnectionsPerIP, ""},
		{"small total alone", "max_connections: 500\n", 500, 500, ""},
		{"both", "max_connections: 500\nmax_connections_per_ip: 20\n", 500, 20, ""},
		{"per address above total", "max_connections: 500\nmax_connections_per_ip: 600\n", 0, 0, "max_connections_per_ip must not exceed max_connections"},
		{"negative", "max_connections: -1\n", 0, 0, "max_connections must not be negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := loadKeys(t, tc.keys, tc.err)
			if cfg == nil {
				return
			}
			if cfg.MaxConnections != tc.total || cfg.MaxConnectionsPerIP != tc.per {
				t.Errorf("limits %d/%d, want %d/%d", cfg.MaxConnections, cfg.MaxConnectionsPerIP, tc.total, tc.per)
			}
		})
	}
}

// send_timeout_seconds defaults to nginx's send_timeout and is never
// negative.
func TestSendTimeout(t *testing.T) {
	tests := []struct {
		name, keys string
		want       int
		err        string
	}{
		{"default", "", DefaultSendTimeoutSeconds, ""},
		{"set", "send_timeout_seconds: 15\n", 15, ""},
		{"negative", "send_timeout_seconds: -1\n", 0, "send_timeout_seconds must not be negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := loadKeys(t, tc.keys, tc.err)
			if cfg == nil {
				return
			}
			if cfg.SendTimeoutSeconds != tc.want {
				t.Errorf("send_timeout_seconds %d, want %d", cfg.SendTimeoutSeconds, tc.want)
			}
		})
	}
}

// loadKeys loads originalConfig with keys added. With wantErr set it
// checks that the load fails with an error holding wantErr and returns
// nil; otherwise it fails t on an error.
func loadKeys(t *testing.T, keys, wantErr string) *Config {
	t.Helper()
	cfg, err := Load(layout(t, originalConfig+keys, nil))
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%q: error %v, want %q", keys, err, wantErr)
		}
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

package cli

import (
	"strings"
	"testing"
)

// TestCheckMemcachedServers: a memcached server serve cannot resolve
// stops serve at start-up (exit 2), and check refuses it the same way,
// naming it, rather than saying ok.
func TestCheckMemcachedServers(t *testing.T) {
	tests := []struct {
		name, extra, want string
	}{
		{"memcached_host", "memcached_host: \"memcached..internal\"\nmemcached_port: 11211\n", "memcached..internal"},
		{"memcached_servers", "memcached_servers: [\"127.0.0.1:11211\", \"cache..internal:11211\"]\n", "cache..internal"},
		{"resolvable", "memcached_servers: [\"127.0.0.1:11211\"]\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := writeConfig(t, testConfig+tc.extra)
			code, stdout, stderr := run1("check", "--config", cfg)
			if tc.want == "" {
				if code != 0 || !strings.Contains(stdout, "ok (") {
					t.Errorf("check: exit %d, stdout %q, stderr %q; want exit 0 and ok", code, stdout, stderr)
				}
				return
			}
			if code != 2 || !strings.Contains(stderr, "memcached: ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("check: exit %d, stdout %q, stderr %q; want exit 2 naming %q", code, stdout, stderr, tc.want)
			}
			if code, _, stderr := run1("serve", "--config", cfg, "--listen", "127.0.0.1:0"); code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("serve: exit %d, stderr %q; want exit 2 naming %q", code, stderr, tc.want)
			}
		})
	}
}

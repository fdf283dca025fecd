package config

import (
	"os"
	"slices"
	"testing"
)

// TestRestartChanges: a configuration read again names each setting that
// differs from the running one and that only a restart applies, a
// section's as section.key, and none for admin_tokens, which a reload
// applies.
func TestRestartChanges(t *testing.T) {
	const base = originalConfig + `listen: "127.0.0.1:8080"
dns:
  listen: "127.0.0.1:5353"
  zones: []
`
	tests := []struct {
		name, config string
		want         []string
	}{
		{"unchanged", base, nil},
		{"admin_tokens", base + "admin_tokens: [" + `"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"` + "]\n", nil},
		{"listen", originalConfig + `listen: "127.0.0.1:9090"
dns:
  listen: "127.0.0.1:5353"
  zones: []
`, []string{"listen"}},
		{"dns.listen", originalConfig + `listen: "127.0.0.1:8080"
dns:
  listen: "127.0.0.1:5354"
  zones: []
`, []string{"dns.listen"}},
		{"memcached_servers and a limit", base + "memcached_servers: [\"127.0.0.1:11212\"]\nmisp_max_pages: 10\n", []string{"memcached_servers", "misp_max_pages"}},
		{"never_block", base + "never_block:\n  domains: [example.org]\n", []string{"never_block.domains"}},
		{"dns removed", originalConfig + `listen: "127.0.0.1:8080"` + "\n", []string{"dns"}},
	}
	path := layout(t, base, nil)
	running, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(tc.config), 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.RestartChanges(running); !slices.Equal(got, tc.want) {
				t.Errorf("RestartChanges = %q, want %q", got, tc.want)
			}
		})
	}
}

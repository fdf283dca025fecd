package config

import (
	"strings"
	"testing"
)

// TestHostPorts: an address net.Listen or net.Dial would refuse for its
// port stops the configuration from loading, naming the key and line, so
// that check fails on it rather than serve.
func TestHostPorts(t *testing.T) {
	dns := func(listen, notify string) string {
		return "dns:\n  listen: \"" + listen + "\"\n  zones:\n    - {name: rpz.example, token: t, feed: block, notify: [\"" + notify + "\"]}\n"
	}
	tests := []struct {
		name, extra, want string
	}{
		{"listen port past 65535", "listen: \"127.0.0.1:99999\"\n", `config.yaml:18: listen "127.0.0.1:99999": port "99999": want 0-65535`},
		{"listen port not a number", "listen: \"127.0.0.1:8080x\"\n", `config.yaml:18: listen "127.0.0.1:8080x": port "8080x"`},
		{"listen without a port", "listen: \"127.0.0.1:\"\n", `config.yaml:18: listen "127.0.0.1:": port ""`},
		{"memcached server port", "memcached_servers: [\"10.0.0.1:112111\"]\n", `memcached_servers "10.0.0.1:112111": want host:port`},
		{"dns listen port", dns("127.0.0.1:535300", "192.0.2.1:53"), `dns.listen "127.0.0.1:535300": want host:port`},
		{"notify port", dns("127.0.0.1:5353", "192.0.2.1:533333"), `notify "192.0.2.1:533333": want host:port`},
		{"listen port 0", "listen: \"127.0.0.1:0\"\n", ""},
		{"listen IPv6", "listen: \"[::1]:8080\"\n", ""},
		{"listen service name", "listen: \"127.0.0.1:http\"\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(layout(t, originalConfig+tc.extra, nil))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("error %v, want none", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

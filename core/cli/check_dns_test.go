package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/internal/testtool"
)

// TestCheckZonesAsServe: a dns: zone whose token does not verify (expired,
// of another key) or names a site without a file does not stop serve,
// which logs it and serves the rest: check exits 0 with a warning naming
// the zone. An age out of range stops serve: check exits 2 with the zone
// named, rather than ok.
func TestCheckZonesAsServe(t *testing.T) {
	const key = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
	const salt = "0123456789abcdef0123456789abcdef"
	mint := func(t *testing.T, key, host, expires string) string {
		t.Helper()
		tok, err := auth.NewCodec(key, salt).Mint(auth.Claims{Proto: "https", Port: 443, Host: host,
			Key: strings.Repeat("a", 40), Expires: expires})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	later := time.Now().AddDate(1, 0, 0).Format(time.DateOnly)
	const unbuilt = ": serve starts without building this zone until its token or site file is fixed; it serves what state_dir kept of it, or nothing\n"
	tests := []struct {
		name  string
		token string
		age   string
		code  int
		want  string // the warning line (exit 0) or what exit 2's message holds
	}{
		{"valid", mint(t, key, "misp.example.net", later), "1y", 0, "ok (3 warning(s))"},
		{"site without a file", mint(t, key, "misp.other.example", later), "1y", 0,
			`warning: dns zone rpz.cratos.: the token names site "misp.other.example", which has no site file` + unbuilt},
		{"expired token", mint(t, key, "misp.example.net", "2020-01-01"), "1y", 0,
			"warning: dns zone rpz.cratos.: token of site misp.example.net: auth: verify: The security token has expired." + unbuilt},
		{"token of another key", mint(t, strings.Repeat("F", 64), "misp.example.net", later), "1y", 0, "warning: dns zone rpz.cratos.: token: "},
		{"age out of range", mint(t, key, "misp.example.net", later), "11y", 2, `dns zone rpz.cratos.: age "11y"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testtool.ConfigLayout(t, testConfig+`dns:
  listen: "127.0.0.1:0"
  zones:
    - name: rpz.cratos.
      token: "`+tc.token+`"
      feed: block
      age: "`+tc.age+`"
`, map[string]string{"misp.example.net.yaml": "tag: t\nallowed_ips: [192.0.2.0/24]\n"})
			code, stdout, stderr := run1("check", "--config", cfg)
			if tc.code == 0 {
				if code != 0 || !strings.Contains(stdout, tc.want) || !strings.Contains(stdout, "ok (") {
					t.Errorf("exit %d, stdout %q, stderr %q; want exit 0, ok and %q", code, stdout, stderr, tc.want)
				}
				return
			}
			if code != 2 || !strings.Contains(stderr, tc.want) || strings.Contains(stdout, "ok (") {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 with %q", code, stdout, stderr, tc.want)
			}
		})
	}
}

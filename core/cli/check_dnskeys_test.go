package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/internal/testtool"
)

// TestCheckRefusesDNSServeRefuses: a dns: section the DNS primary refuses
// at start-up (a zone or TSIG key name that is not a domain name, an
// unknown algorithm, a secret that is not base64, a zone named twice, one
// key name with two secrets) stops serve with exit 2, and check refuses
// it the same way rather than saying ok.
func TestCheckRefusesDNSServeRefuses(t *testing.T) {
	token, err := auth.NewCodec("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcdef").Mint(auth.Claims{
		Proto: "https", Port: 443, Host: "misp.example.net", Key: strings.Repeat("a", 40), Expires: time.Now().AddDate(1, 0, 0).Format(time.DateOnly)})
	if err != nil {
		t.Fatal(err)
	}
	zone := func(name, tsig string) string {
		z := "    - name: " + name + "\n      token: \"" + token + "\"\n      feed: block\n"
		if tsig != "" {
			z += "      tsig: " + tsig + "\n"
		}
		return z
	}
	const secret = `"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"`
	tests := []struct {
		name, zones string
		want        string // "" for exit 0, else what exit 2's message holds
	}{
		{"valid key", zone("rpz.cratos", "{name: xfr, algorithm: hmac-sha256, secret: "+secret+"}"), ""},
		{"secret not base64", zone("rpz.cratos", `{name: xfr, algorithm: hmac-sha256, secret: "not base64!"}`), "secret is not non-empty base64"},
		{"unknown algorithm", zone("rpz.cratos", "{name: xfr, algorithm: hmac-sha999, secret: "+secret+"}"), `algorithm "hmac-sha999"`},
		{"key name", zone("rpz.cratos", "{name: \"x..fr\", algorithm: hmac-sha256, secret: "+secret+"}"), `key name "x..fr" is not a domain name`},
		{"zone name", zone("rpz..cratos", ""), `zone name "rpz..cratos" is not a domain name`},
		{"zone twice", zone("rpz.cratos", "") + zone("rpz.cratos.", ""), "zone rpz.cratos. configured twice"},
		{"key with two secrets", zone("a.rpz", "{name: xfr, algorithm: hmac-sha256, secret: "+secret+"}") +
			zone("b.rpz", `{name: xfr, algorithm: hmac-sha256, secret: "b3RoZXJvdGhlcm90aGVy"}`), "key xfr. is configured twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testtool.ConfigLayout(t, testConfig+"dns:\n  listen: \"127.0.0.1:0\"\n  zones:\n"+tc.zones,
				map[string]string{"misp.example.net.yaml": "tag: t\nallowed_ips: [192.0.2.0/24]\n"})
			code, stdout, stderr := run1("check", "--config", cfg)
			if tc.want == "" {
				if code != 0 || !strings.Contains(stdout, "ok (") {
					t.Errorf("check: exit %d, stdout %q, stderr %q; want exit 0 and ok", code, stdout, stderr)
				}
				return
			}
			if code != 2 || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "config.yaml: dns:") {
				t.Errorf("check: exit %d, stdout %q, stderr %q; want exit 2 with %q", code, stdout, stderr, tc.want)
			}
			if code, _, stderr := run1("serve", "--config", cfg, "--listen", "127.0.0.1:0"); code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("serve: exit %d, stderr %q; want exit 2 with %q", code, stderr, tc.want)
			}
		})
	}
}

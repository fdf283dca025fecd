package config

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
)

// A token pasted where its fingerprint belongs is never repeated whole
// in an error or warning: serve and check log them.
func TestTokenNotRepeated(t *testing.T) {
	const tok = "gAAAAABnQ2lyZXRva2VuLXRoYXQtaXMtYS1jcmVkZW50aWFsLWFuZC1tdXN0LW5vdC1iZS1sb2dnZWQtYW55d2hlcmUtYXQtYWxsLTEyMzQ1Ng=="
	tests := []struct {
		name, cfg, site, want string
	}{
		{"admin_tokens", originalConfig + "admin_tokens: [\"" + tok + "\"]\n", originalSite, `admin_tokens: "gAAAAABn…" (112 characters) is not a sha256 hex digest`},
		{"blacklisted_api_tokens", originalConfig, originalSite + "  - " + tok + "\n", `blacklisted_api_tokens: "gAAAAABn…" (112 characters) is not a sha256 hex digest`},
		{"consumers", originalConfig, originalSite + "consumers:\n  " + tok + ": {name: a}\n", `consumers."gAAAAABn…" (112 characters): the key must be a token fingerprint`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out []string
			cfg, err := Load(layout(t, tc.cfg, map[string]string{"misp.example.net.yaml": tc.site}))
			if err == nil {
				var sites *Sites
				sites, err = LoadSites(cfg.SitesDir, nil)
				if err == nil {
					for _, s := range sites.All() {
						out = append(out, s.Warnings...)
					}
				}
			}
			if err != nil {
				out = append(out, err.Error())
			}
			text := strings.Join(out, "\n")
			if strings.Contains(strings.ToLower(text), strings.ToLower(tok)) || !strings.Contains(text, tc.want) {
				t.Errorf("got %q, want %q and never the token", text, tc.want)
			}
		})
	}
}

// A token pasted into blacklisted_api_tokens in place of its fingerprint
// revokes that token.
func TestPastedTokenRevoked(t *testing.T) {
	const tok = "gAAAAABnQ2lyZXRva2VuLXRoYXQtaXMtYS1jcmVkZW50aWFsLWFuZC1tdXN0LW5vdC1iZS1sb2dnZWQtYW55d2hlcmUtYXQtYWxsLTEyMzQ1Ng=="
	path := layout(t, originalConfig, map[string]string{"misp.example.net.yaml": originalSite + "  - " + tok + "\n"})
	s, err := LoadSite(filepath.Join(filepath.Dir(filepath.Dir(path)), "sites", "misp.example.net.yaml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(tok))
	if !s.IsRevoked(hex.EncodeToString(sum[:])) {
		t.Errorf("the pasted token is not revoked; warnings %q", s.Warnings)
	}
}

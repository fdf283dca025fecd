package cli

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/auth"
)

func TestTokenMintWarnings(t *testing.T) {
	cfg := writeConfig(t, testConfig)
	sites := filepath.Join(filepath.Dir(filepath.Dir(cfg)), "sites")
	if err := os.WriteFile(filepath.Join(sites, "misp-1.example.net.yaml"), []byte("tag: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sites, "misp-3.example.net.yaml"), []byte("tag: x\ntoken_max_days: 30\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	key := "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD"
	tests := []struct {
		name, misp, expires string
		warnings            []string
	}{
		{"beyond token_max_days", "https://misp-3.example.net", "2099-01-01", []string{"expiry date 2099-01-01 is more than 30 days ahead (token_max_days of misp-3.example.net)"}},
		{"within token_max_days", "https://misp-3.example.net", time.Now().AddDate(0, 0, 20).Format(time.DateOnly), nil},
		{"site file present, future date", "https://misp-1.example.net", "2099-01-01", nil},
		{"no site file", "https://misp-2.example.net", "2099-01-01", []string{"misp-2.example.net.yaml does not exist"}},
		{"past date", "https://misp-1.example.net", "2020-01-01", []string{"expiry date 2020-01-01 is not in the future"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := run1("token", "mint", "--config", cfg, "--misp", tc.misp, "--key", key, "--expires", tc.expires)
			if code != 0 || !strings.HasPrefix(out, "gAAAAA") {
				t.Fatalf("mint: exit %d, %q %q", code, out, stderr)
			}
			if got := strings.Count(stderr, "warning:"); got != len(tc.warnings) {
				t.Errorf("%d warnings, want %d: %q", got, len(tc.warnings), stderr)
			}
			for _, w := range tc.warnings {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
		})
	}
}

// An expired token still shows what it names and its fingerprint (to
// revoke it), and exits 1.
func TestTokenInspectExpired(t *testing.T) {
	cfg := writeConfig(t, testConfig)
	key := "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD"
	_, out, _ := run1("token", "mint", "--config", cfg, "--misp", "https://misp-1.example.net", "--key", key, "--expires", "2020-01-01")
	tok := strings.TrimSpace(out)
	code, out, stderr := run1("token", "inspect", "--config", cfg, tok)
	if code != 1 || !strings.Contains(stderr, "expired") {
		t.Errorf("exit %d, stderr %q; want 1 and expired", code, stderr)
	}
	for _, want := range []string{"fingerprint: " + auth.Fingerprint(tok), "EXPIRED", "https://misp-1.example.net:443"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, key) {
		t.Error("inspect printed the whole MISP key")
	}
}

// A MISP pull logs its start, each page (debug) and its end, with every
// duration in milliseconds.
func TestMISPPullLogged(t *testing.T) {
	_, simURL := startSim(t, blockEvent("pull", attr("ip-dst", "198.51.100.7"), attr("ip-dst", "198.51.100.8")))
	e := startE2E(t, simURL, nil)
	resp, _ := e.get(t, "GET", "/v1/feed/block/type/ipv4/age/1y/output/txt", "token", e.token)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	logs := e.log.String()
	start := strings.Index(logs, `"msg":"MISP pull started"`)
	page := strings.Index(logs, `"msg":"MISP page"`)
	end := strings.Index(logs, `"msg":"fetched"`)
	if start < 0 || page < start || end < page {
		t.Fatalf("want start, page, end in that order:\n%s", logs)
	}
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, `"took"`) || strings.Contains(line, `"time_ms"`) {
			t.Errorf("a duration not in ms: %s", line)
		}
	}
	if !strings.Contains(logs, `"level":"DEBUG","msg":"MISP page"`) || !regexpMatch(`"msg":"fetched".*"attributes":2,.*"ms":[0-9.]+`, logs) {
		t.Errorf("page line not at debug level or end line without attributes and ms:\n%s", logs)
	}
}

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }

// token inspect - reads the token from standard input, so that it never
// appears in the process list.
func TestTokenInspectStandardInput(t *testing.T) {
	cfg := writeConfig(t, testConfig)
	_, out, _ := run1("token", "mint", "--config", cfg, "--misp", "https://misp-1.example.net", "--key", "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcD", "--expires", "2099-01-01")
	tok := strings.TrimSpace(out)
	tests := []struct {
		name, stdin string
		code        int
		want        string // in standard output, or standard error when code is not 0
	}{
		{"token and newline", tok + "\n", 0, "fingerprint: " + auth.Fingerprint(tok)},
		{"token, spaces, no newline", "  " + tok + " ", 0, "fingerprint: " + auth.Fingerprint(tok)},
		{"nothing", "", 1, "Could not validate token, or token not set."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func(r io.Reader) { stdin = r }(stdin)
			stdin = strings.NewReader(tc.stdin)
			code, out, stderr := run1("token", "inspect", "--config", cfg, "-")
			got := out
			if tc.code != 0 {
				got = stderr
			}
			if code != tc.code || !strings.Contains(got, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d and %q", code, out, stderr, tc.code, tc.want)
			}
		})
	}
}

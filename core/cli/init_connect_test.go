package cli

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
)

// A MISP that cannot be reached is the first thing a new operator meets:
// init and check say why and what to do, where they said only
// "connection failed" (a self-signed certificate, which takes
// --insecure, looked like a host that is down) or "connection broke
// during the answer" (an https:// URL for a MISP answering plain HTTP,
// which check even reported as answering).
func TestInitAndCheckSayWhyMISPIsUnreachable(t *testing.T) {
	version := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"version":"2.5.1"}`))
	})
	selfSigned := httptest.NewUnstartedServer(version)
	selfSigned.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes
	selfSigned.StartTLS()
	defer selfSigned.Close()
	plain := httptest.NewServer(version)
	defer plain.Close()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + closed.Addr().String()
	closed.Close()

	keyFile := filepath.Join(t.TempDir(), "misp.key")
	if err := os.WriteFile(keyFile, []byte(mispsim.DefaultKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url, initWant, checkWant string
	}{
		{"self-signed certificate", selfSigned.URL,
			"MISP's TLS certificate is not trusted (x509: certificate signed by unknown authority): add the CA that signed it to this host's trust store, or turn the check off with --insecure",
			"or turn the check off with mispVerifyCert: false in the site file"},
		{"https to a plain HTTP MISP", strings.Replace(plain.URL, "http://", "https://", 1),
			"this address answers plain HTTP, not HTTPS: use an http:// URL", "this address answers plain HTTP"},
		{"nothing listening", closedURL,
			"nothing accepts connections at this address: check the host and the port", "nothing accepts connections at this address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run1("init", "--misp", tc.url, "--key-file", keyFile, "--dir", t.TempDir())
			if code != 1 || !strings.Contains(stderr, "cratos: init: MISP at "+tc.url+" does not answer: ") || !strings.Contains(stderr, tc.initWant) {
				t.Errorf("init: exit %d, stderr %q\nwant exit 1 and %q", code, stderr, tc.initWant)
			}
			cfg := configWithSite(t, "misp_url: "+tc.url+"\n")
			code, stdout, _ := run1("check", "--config", cfg)
			if code != 1 || !strings.Contains(stdout, "MISP at "+tc.url+" does not answer: ") || !strings.Contains(stdout, tc.checkWant) {
				t.Errorf("check: exit %d, stdout %q\nwant exit 1 and %q", code, stdout, tc.checkWant)
			}
		})
	}
}

// configWithSite writes the test configuration with one site
// file holding siteExtra.
func configWithSite(t *testing.T, siteExtra string) string {
	t.Helper()
	cfg := writeConfig(t, testConfig)
	site := filepath.Join(filepath.Dir(filepath.Dir(cfg)), "sites", "misp.example.net.yaml")
	if err := os.WriteFile(site, []byte("tag: t\nallowed_ips: [192.0.2.0/24]\n"+siteExtra), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

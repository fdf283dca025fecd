package export

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/config"
)

// TestGuardChangeRebuildsList: a site file reloaded with a guard rule that
// protects a value the cached list carries is never served that list
// again; the next request gets a list without the value.
func TestGuardChangeRebuildsList(t *testing.T) {
	srv := threeAddressMISP(t)
	const before = reloadSiteBefore
	tests := []struct {
		name  string
		after string
	}{
		{"never_block address", before + "  never_block:\n    cidrs: [100.128.0.2]\n"},
		{"never_block prefix", before + "  never_block:\n    cidrs: [100.128.0.2/31]\n"},
		{"misp_url on the address", before + "misp_url: https://100.128.0.2/\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			load := siteLoader(t)
			s := limitsService(Limits{})
			r := limitsRequest(srv.URL, "key-one", "1d")
			r.Site = load(before)
			res, err := s.Get(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(listLines(res.Body), "100.128.0.2") {
				t.Fatalf("first list %q lacks 100.128.0.2", res.Body)
			}
			r.Site = load(tc.after)
			for i := range 2 {
				res, err := s.Get(context.Background(), r)
				if err != nil {
					t.Fatal(err)
				}
				if slices.Contains(listLines(res.Body), "100.128.0.2") {
					t.Fatalf("request %d after the change: %s list %q carries the protected 100.128.0.2", i, res.Status, res.Body)
				}
			}
		})
	}
}

func listLines(body []byte) []string {
	return strings.Fields(string(body))
}

// reloadSiteBefore is the site file of the reload tests before the reload.
const reloadSiteBefore = "tag: t\nmispTimeoutSeconds: 60\nguard:\n  warninglists: false\n"

// threeAddressMISP answers every search with one page of 100.128.0.1 to
// 100.128.0.3.
func threeAddressMISP(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Skipped-Elements-Count", "0") // one page
		_, _ = w.Write([]byte(attrsJSON(3)))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// siteLoader returns a function that writes a site file and loads it, as
// a reload does.
func siteLoader(t *testing.T) func(body string) *config.Site {
	t.Helper()
	path := filepath.Join(t.TempDir(), "127.0.0.1.yaml")
	return func(body string) *config.Site {
		t.Helper()
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		st, err := config.LoadSite(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
}

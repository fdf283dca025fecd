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
			rig := newReloadRig(t, srv.URL, before)
			res := rig.get(t)
			if !slices.Contains(listLines(res.Body), "100.128.0.2") {
				t.Fatalf("first list %q lacks 100.128.0.2", res.Body)
			}
			rig.reload(t, tc.after)
			for i := range 2 {
				res := rig.get(t)
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

// reloadRig asks a Service for the ipv4 list of key-one at a MISP under a
// site file it writes and loads again, as a reload does.
type reloadRig struct {
	svc  *Service
	req  Request
	path string
}

// newReloadRig returns a reloadRig at the MISP at url, its site file
// loaded from site.
func newReloadRig(t *testing.T, url, site string) *reloadRig {
	t.Helper()
	rig := &reloadRig{
		svc:  limitsService(Limits{}),
		req:  limitsRequest(url, "key-one", "1d"),
		path: filepath.Join(t.TempDir(), "127.0.0.1.yaml"),
	}
	rig.reload(t, site)
	return rig
}

// reload writes site as the site file and loads it for the next requests.
func (rig *reloadRig) reload(t *testing.T, site string) {
	t.Helper()
	if err := os.WriteFile(rig.path, []byte(site), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := config.LoadSite(rig.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	rig.req.Site = st
}

// get returns the list served under the site file last loaded.
func (rig *reloadRig) get(t *testing.T) Result {
	t.Helper()
	res, err := rig.svc.Get(context.Background(), rig.req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

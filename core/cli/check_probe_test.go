package cli

import (
	"strings"
	"testing"

	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// TestCheckWantsMISP: check says a site's MISP answers only when MISP
// itself answers its unauthenticated getVersion (its version, or its own
// refusal of a request without a key), as /v1/status does: a 500, a
// login page, a redirect or a proxy's 403 is a server answering, not
// MISP, and check exits 1 for it.
func TestCheckWantsMISP(t *testing.T) {
	for _, a := range misptest.VersionAnswers {
		t.Run(a.Name, func(t *testing.T) {
			url := misptest.ServeVersionAnswer(t, a)
			cfg := configWithSite(t, "misp_url: "+url+"\n")
			code, stdout, _ := run1("check", "--config", cfg)
			answers := strings.Contains(stdout, "MISP at "+url+" answers\n")
			if a.FromMISP && (code != 0 || !answers) {
				t.Errorf("exit %d, stdout %q\nwant exit 0 and %q", code, stdout, "answers")
			}
			if !a.FromMISP && (code != 1 || answers || !strings.Contains(stdout, "MISP at "+url+" does not answer")) {
				t.Errorf("exit %d, stdout %q\nwant exit 1 and %q", code, stdout, "does not answer")
			}
		})
	}
}

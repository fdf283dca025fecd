package server_test

import (
	"context"
	"errors"
	"io"
	"iter"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// failingGatedRenderer is gatedRenderer whose renders fail once released,
// counting them: a build that fails after a wait.
type failingGatedRenderer struct {
	*gatedRenderer
	renders atomic.Int32
}

func (f *failingGatedRenderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	f.renders.Add(1)
	if err := f.pass(ctx); err != nil {
		return err
	}
	return errors.New("render failed")
}

// A reload that leaves a request's site file as it was (another site's
// file changed, or none) does not have the request's list built once
// more: its answer was made with the site loaded now. Before, every
// reload gave every site a new version, so a request waiting for a build
// that then failed waited for a second build of it, its wait doubled.
func TestReloadOfAnUnchangedSiteAsksOnce(t *testing.T) {
	const site = "tag: example\nmispTimeoutSeconds: 30\nallowed_ips: [127.0.0.0/8]\n"
	for _, change := range []string{"nothing", "another site"} {
		t.Run(change, func(t *testing.T) {
			dir := t.TempDir()
			failing := &failingGatedRenderer{gatedRenderer: newGatedRenderer()}
			h := newHarness(t, withGatedSite(dir, site, failing.gatedRenderer), func(h *harness) {
				h.registry = renderers.Builtin().Clone()
				if err := h.registry.Add(failing); err != nil {
					t.Fatal(err)
				}
			})
			const path = "/v1/feed/block/type/ipv4/age/1y/output/gated"
			waiting := make(chan int, 1)
			go func() {
				resp, _ := h.authed(path)
				waiting <- resp.StatusCode
			}()
			<-failing.entered
			if change == "another site" {
				if err := os.WriteFile(filepath.Join(dir, "other.example.yaml"), []byte(site), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if errs := h.sites.Reload(); len(errs) != 0 {
				t.Fatal(errs)
			}
			close(failing.release)
			if status := <-waiting; status < http.StatusInternalServerError {
				t.Fatalf("status %d, want the build's failure", status)
			}
			if n := failing.renders.Load(); n != 1 {
				t.Fatalf("the list was rendered %d times for one request, want 1", n)
			}
		})
	}
}

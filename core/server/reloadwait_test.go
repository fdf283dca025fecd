package server_test

import (
	"context"
	"io"
	"iter"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/taxii"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/renderers"
)

// gatedRenderer is the txt renderer under the name "gated", whose
// renders wait until release is closed: a build held open.
type gatedRenderer struct {
	renderers.Renderer
	entered chan struct{}
	release chan struct{}
}

func newGatedRenderer() *gatedRenderer {
	txt, _ := renderers.Builtin().Lookup("txt")
	return &gatedRenderer{Renderer: txt, entered: make(chan struct{}, 1), release: make(chan struct{})}
}

func (g *gatedRenderer) Info() renderers.Info {
	info := g.Renderer.Info()
	info.Name, info.Options = "gated", nil
	return info
}

func (g *gatedRenderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	if err := g.pass(ctx); err != nil {
		return err
	}
	return g.Renderer.Render(ctx, w, req, in)
}

// pass tells entered, when it is waited on, and waits for release or the
// end of ctx.
func (g *gatedRenderer) pass(ctx context.Context) error {
	select {
	case g.entered <- struct{}{}:
	default:
	}
	select {
	case <-g.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// withGatedSite serves the harness site from dir/<site>.yaml holding
// body, beside another site's file (a reload keeps the sites of a
// directory left with none), with no address always allowed, and the
// renderer gated.
func withGatedSite(dir, body string, gated *gatedRenderer) harnessOption {
	return func(h *harness) {
		h.t.Helper()
		for name, b := range map[string]string{h.site.Name: body, "bystander.example": "tag: example\n"} {
			if err := os.WriteFile(filepath.Join(dir, name+".yaml"), []byte(b), 0o600); err != nil {
				h.t.Fatal(err)
			}
		}
		sites, err := config.LoadSites(dir, nil)
		if err != nil {
			h.t.Fatal(err)
		}
		registry := renderers.Builtin().Clone()
		if err := registry.Add(gated); err != nil {
			h.t.Fatal(err)
		}
		h.sites, h.registry, h.cfg.AlwaysAllowedIPs = sites, registry, nil
	}
}

// reloadWhileWaiting makes a request with get in the background, waits
// for held (the request waits: a build or MISP held open), writes body as
// the site's file (removes it when body is ""), reloads the sites, calls
// release, and returns the waiting request's answer and that of the same
// request made after the reload.
func reloadWhileWaiting(t *testing.T, h *harness, dir, body string, get func() (*http.Response, string), held, release func()) (waited, after answer) {
	t.Helper()
	waiting := inBackground(get)
	held()
	file := filepath.Join(dir, h.site.Name+".yaml")
	var err error
	if body == "" {
		err = os.Remove(file)
	} else {
		err = os.WriteFile(file, []byte(body), 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
	if errs := h.sites.Reload(); len(errs) != 0 {
		t.Fatal(errs)
	}
	release()
	waited = <-waiting
	resp, b := get()
	return waited, answer{status: resp.StatusCode, body: b}
}

// A request waiting for its list when a reload revokes its token, narrows
// allowed_ips, disables or removes its site gets the answer a
// request after the reload gets, and none of the list; one whose site was
// reloaded with nothing that concerns it still gets the list.
func TestReloadWhileWaitingForAList(t *testing.T) {
	const site = "tag: example\nmispTimeoutSeconds: 30\nallowed_ips: [127.0.0.0/8]\n"
	cases := []struct {
		name   string
		reload func(token string) string // the site file after the reload; "" removes it
		status int
	}{
		{"token revoked", func(token string) string {
			return site + "blacklisted_api_tokens: [" + auth.Fingerprint(token) + "]\n"
		}, http.StatusForbidden},
		{"address no longer allowed", func(string) string {
			return strings.Replace(site, "127.0.0.0/8", "192.0.2.0/24", 1)
		}, http.StatusForbidden},
		{"site disabled", func(string) string { return site + "enabled: false\n" }, http.StatusForbidden},
		{"site removed", func(string) string { return "" }, http.StatusForbidden},
		{"another token revoked", func(string) string {
			return site + "blacklisted_api_tokens: [" + strings.Repeat("ab", 32) + "]\n"
		}, http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			gated := newGatedRenderer()
			h := newHarness(t, withGatedSite(dir, site, gated))
			const path = "/v1/feed/block/type/ipv4/age/1y/output/gated"
			get := func() (*http.Response, string) { return h.authed(path) }
			got, after := reloadWhileWaiting(t, h, dir, tc.reload(h.token), get, func() { <-gated.entered }, func() { close(gated.release) })
			if got.status != tc.status || after.status != tc.status || got.body != after.body {
				t.Errorf("waiting: %d %q; after the reload: %d %q; want both %d", got.status, got.body, after.status, after.body, tc.status)
			}
			if onList := strings.Contains(got.body, "198.51.100.7"); onList != (tc.status == http.StatusOK) {
				t.Errorf("list served to the waiting request: %v, body %q", onList, got.body)
			}
		})
	}
}

// A TAXII poll reading MISP when a reload revokes its token gets the
// refusal a poll after the reload gets, and no object.
func TestReloadWhileWaitingForACollection(t *testing.T) {
	const site = "tag: example\nmispTimeoutSeconds: 60\nallowed_ips: [127.0.0.0/8]\n"
	dir := t.TempDir()
	h := newHarness(t, withGatedSite(dir, site, newGatedRenderer()))
	path := "/taxii2/" + h.site.Name + "/collections/" + taxii.CollectionID(h.site.Name, "block") + "/objects/"
	release := make(chan struct{})
	h.sim.SetFault(mispsim.Fault{Kind: mispsim.FaultSlow, Delay: 10 * time.Minute, Release: release, RestSearchOnly: true, Times: 1})
	before := h.sim.RestSearchCount()
	revoked := site + "blacklisted_api_tokens: [" + auth.Fingerprint(h.token) + "]\n"
	get := func() (*http.Response, string) { return h.taxiiGet(path) }
	held := func() {
		testtool.WaitFor(t, "MISP search", time.Minute, func() bool { return h.sim.RestSearchCount() > before })
	}
	got, after := reloadWhileWaiting(t, h, dir, revoked, get, held, func() { close(release) })
	if got.status != http.StatusForbidden || after.status != http.StatusForbidden || got.body != after.body {
		t.Errorf("waiting: %d %.200q; after the reload: %d %q; want both 403", got.status, got.body, after.status, after.body)
	}
}

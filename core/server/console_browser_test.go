package server_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cratos-project/cratos/core/server"
	"github.com/cratos-project/cratos/internal/testtool"
)

// TestConsoleInBrowser drives the console in Debian's headless Chromium
// over the DevTools protocol: log in with the token in the URL, walk every
// page, look up a value, release a hold, log out, log in with the form.
// Screenshots go to $CRATOS_SCREENSHOTS when set (else a temporary
// directory).
func TestConsoleInBrowser(t *testing.T) {
	chromium := testtool.Require(t, "chromium", "chromium")
	guard := &fakeGuard{holds: []server.Hold{{ID: "h1", List: "/v1/feed/block/type/domain/age/1y/output/rpz",
		Reason: "entries fell from 48210 to 3 (more than 50%)", Since: time.Now().Add(-42 * time.Minute)}}}
	lookup := func(_ context.Context, v string) ([]server.LookupHit, error) {
		return []server.LookupHit{{Site: "misp.example.net", Feed: "block", Type: "domain", Value: v, Note: "event 1337, to_ids"}}, nil
	}
	h := newHarness(t, asAdmin(), withConsumer("pa-fw-01"), func(h *harness) { h.holds, h.lookup, guard.holds[0].Site = guard, lookup, h.site.Name })
	rebuilt := time.Now().Add(-3 * time.Minute)
	h.srv.SetZones(func() []server.ZoneStatus {
		return []server.ZoneStatus{{Zone: "rpz.cratos.", Site: h.site.Name, Feed: "block", Serial: 1767225600, Loaded: true,
			Refresh: 5 * time.Minute, Started: rebuilt, LastSuccess: rebuilt, Failures: map[string]uint64{"misp": 2}}}
	})
	h.authed(feedPath, "User-Agent", "PAN-OS 11.1")
	h.authed("/v1/feed/block/type/domain/age/1y/output/rpz", "User-Agent", "PAN-OS 11.1")
	h.get("/v1/feed/block/type/domain/age/1y/output/edl", "token", h.mint(h.claims), "User-Agent", "curl/8.5")

	shots := os.Getenv("CRATOS_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(browserProfile(t)), chromedp.WindowSize(1400, 1000),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithDebugf(func(f string, a ...any) {
		if os.Getenv("CDP_DEBUG") != "" {
			t.Logf(f, a...)
		}
	}))
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()

	run := func(step string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			var at, page string
			dctx, dcancel := context.WithTimeout(bctx, 20*time.Second)
			_ = chromedp.Run(dctx, chromedp.Location(&at), chromedp.OuterHTML("html", &page))
			dcancel()
			t.Fatalf("%s: %v\nat %s:\n%.3000s", step, err, at, page)
		}
	}
	shot := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			var png []byte
			if err := chromedp.FullScreenshot(&png, 100).Do(ctx); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644)
		})
	}
	var loc, text, cookies string

	run("log in with the token in the URL",
		chromedp.Navigate(h.base+"/ui/?token="+url.QueryEscape(h.token)),
		chromedp.WaitVisible(`//h1[text()="Sites and feeds"]`),
		chromedp.Location(&loc),
		chromedp.Evaluate(`document.cookie`, &cookies),
		chromedp.Text(`main`, &text),
		shot("1-overview"))
	if loc != h.base+"/ui/" {
		t.Errorf("address after login %q, want the token dropped", loc)
	}
	if cookies != "" {
		t.Errorf("the session cookie is readable from the page: %q", cookies)
	}
	for _, want := range []string{h.site.Name, feedPath, "entries fell from 48210 to 3", "Look up an indicator"} {
		if !strings.Contains(text, want) {
			t.Errorf("overview lacks %q", want)
		}
	}

	run("consumers",
		chromedp.Click(`//nav/a[text()="Consumers"]`),
		chromedp.WaitVisible(`//h1[text()="Consumers"]`),
		chromedp.Text(`main`, &text),
		shot("2-consumers"))
	for _, want := range []string{"pa-fw-01", "PAN-OS 11.1", "curl/8.5", "5m0s"} {
		if !strings.Contains(text, want) {
			t.Errorf("consumers page lacks %q", want)
		}
	}

	run("DNS zones",
		chromedp.Click(`//nav/a[text()="DNS zones"]`),
		chromedp.WaitVisible(`//h1[text()="DNS zones"]`),
		chromedp.Text(`main`, &text),
		shot("3-zones"))
	for _, want := range []string{"rpz.cratos.", "1767225600", "misp 2"} {
		if !strings.Contains(text, want) {
			t.Errorf("zones page lacks %q", want)
		}
	}

	run("renderers and a README",
		chromedp.Click(`//nav/a[text()="Renderers"]`),
		chromedp.WaitVisible(`//h1[text()="Renderers"]`),
		shot("4-renderers"),
		chromedp.Click(`//a[@href="/ui/renderers/rpz"]`),
		chromedp.WaitVisible(`//h2[starts-with(text(), "rpz")]`),
		chromedp.Text(`article.readme`, &text),
		shot("5-renderer-rpz"))
	if !strings.Contains(text, "Device limits") {
		t.Errorf("rpz README: %.300s", text)
	}

	run("lookup",
		chromedp.SendKeys(`#q`, "bad.example", chromedp.ByQuery),
		chromedp.Click(`//button[text()="Look up"]`),
		chromedp.WaitVisible(`//h1[text()="Lookup"]`),
		chromedp.Text(`main`, &text),
		shot("6-lookup"))
	if !strings.Contains(text, "event 1337, to_ids") {
		t.Errorf("lookup results: %.500s", text)
	}

	run("release a hold",
		chromedp.Click(`//nav/a[text()="Sites and feeds"]`),
		chromedp.WaitVisible(`//h1[text()="Sites and feeds"]`),
		chromedp.Click(`//button[text()="Release"]`),
		chromedp.WaitVisible(`//p[@class="flash"]`),
		chromedp.Text(`main`, &text),
		shot("7-released"))
	if !strings.Contains(text, "Hold h1 released.") || len(guard.Holds()) != 0 {
		t.Errorf("after release: %.300s", text)
	}

	run("log out",
		chromedp.Click(`//button[text()="Log out"]`),
		chromedp.WaitVisible(`//h1[text()="Log in"]`),
		chromedp.Navigate(h.base+"/ui/consumers"),
		chromedp.WaitVisible(`//h1[text()="Log in"]`),
		shot("8-login"))

	run("log in with the form",
		chromedp.SendKeys(`#token`, h.token, chromedp.ByQuery),
		chromedp.Click(`//button[text()="Log in"]`),
		chromedp.WaitVisible(`//h1[text()="Sites and feeds"]`),
		chromedp.Location(&loc))
	if loc != h.base+"/ui/" {
		t.Errorf("address after the form login %q", loc)
	}
}

// browserProfile is a fresh Chromium profile directory, removed after the
// test. Chromium's helper processes may still write to it for a moment
// after the browser is gone, so removal is retried rather than left to
// t.TempDir, whose cleanup fails the test on a non-empty directory.
func browserProfile(t *testing.T) string {
	dir, err := os.MkdirTemp("", "cratos-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 50 {
			if os.RemoveAll(dir) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("chromium profile %s left behind", dir)
	})
	return dir
}

package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cratos-project/cratos/internal/testtool"
)

// TestConsoleLinkFromAnotherSite: a console link with the token, opened
// from another site's page (a wiki, a ticket), lands on the page asked
// for: the navigation that other site started carries no SameSite=Strict
// cookie, through its redirects too, so the login gets there by a
// navigation of its own page.
func TestConsoleLinkFromAnotherSite(t *testing.T) {
	chromium := testtool.Require(t, "chromium", "chromium")
	h := newHarness(t, asAdmin())
	link := h.base + "/ui/consumers?token=" + url.QueryEscape(h.token)
	wiki := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, `<!DOCTYPE html><title>wiki</title><a id="console" href="%s">console</a>`, link)
	}))
	defer wiki.Close()
	// localhost and 127.0.0.1 are two sites.
	wikiURL := strings.Replace(wiki.URL, "127.0.0.1", "localhost", 1)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(browserProfile(t)),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()
	var title, loc string
	if err := chromedp.Run(ctx, chromedp.Navigate(wikiURL), chromedp.Click("#console", chromedp.ByID),
		chromedp.WaitVisible(`//h1[text()="Consumers" or text()="Log in"]`),
		chromedp.Text("h1", &title), chromedp.Location(&loc)); err != nil {
		t.Fatal(err)
	}
	if title != "Consumers" || loc != h.base+"/ui/consumers" {
		t.Errorf("after the link: %q at %s, want Consumers at /ui/consumers", title, loc)
	}

	// The page between keeps the token out of a Referer.
	resp, body := h.get("/ui/consumers?token="+url.QueryEscape(h.token), "Sec-Fetch-Site", "cross-site")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Cache-Control") != "no-store" ||
		!strings.Contains(body, `<meta http-equiv="refresh" content="0; url=/ui/consumers">`) || strings.Contains(body, h.token) || len(resp.Cookies()) != 1 {
		t.Errorf("login from another site's link: %d %v\n%s", resp.StatusCode, resp.Header, body)
	}
}

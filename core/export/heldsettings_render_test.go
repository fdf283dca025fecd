package export

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// heldUnderNewOptions builds g's list with a countedRenderer, then
// changes the renderer's options while MISP answers 30 attributes of
// 300, two days on: the next build holds the list, and renders the former
// list's content under the new options. fails says which render fails,
// by its count from 1. It returns the renderer and the first list.
func heldUnderNewOptions(g *shrinkRig, fails func(n int32) bool) (*countedRenderer, Result) {
	g.t.Helper()
	rd := &countedRenderer{Renderer: txtRenderer(), at: func(n int32) error {
		if fails(n) {
			return errors.New("plugin failed")
		}
		return nil
	}}
	addRenderer(g.t, g.svc, rd)
	g.req.Output = rd.Info().Name
	good := g.get("first build")
	site := *g.req.Site
	site.Renderers = map[string]map[string]string{rd.Info().Name: {"line_ending": "lf"}}
	g.req.Site = &site
	g.m.keep.Store(30)
	g.clock.advance(48 * time.Hour)
	return rd, good
}

// A hold after a change of renderer options whose render of the former
// list's content under the new options fails (a plugin's error here; a
// list past render_max_bytes, no render slot free) serves nothing: the
// former rendering was served and cached, marked as predating the change,
// and, the feed read again at the next rebuild, the former answer was gone
// and the former rendering was what the hold served from then on. A build
// 30 seconds later renders the content under the new options.
func TestHeldFormerContentRenderFailureServesNoFormerRendering(t *testing.T) {
	g := newShrinkRig(t, "held render failure test")
	var failing bool
	_, good := heldUnderNewOptions(g, func(n int32) bool {
		return failing && n == 3 // the former content under the new options
	})
	failing = true
	res, err := g.svc.Get(t.Context(), g.req)
	if !errors.As(err, new(*RenderError)) {
		t.Fatalf("build whose held content failed to render: %v, ETag %s (former %s), held %+v; want the render's error",
			err, res.ETag, good.ETag, res.Held)
	}
	if h := g.svc.Holds(""); len(h) != 1 || h[0].FormerSettings {
		t.Fatalf("holds: %+v, want one, not marked former_settings", h)
	}
	failing = false
	g.clock.advance(heldRetry)
	for _, step := range []string{"next build", "rebuild after the feed is read again"} {
		res := g.get(step)
		if res.Held == nil || res.ETag == good.ETag || res.Held.FormerSettings || bytes.Contains(res.Body, []byte("\r\n")) ||
			len(listValues(res.Body)) != good.Entries {
			t.Fatalf("%s: held %+v, ETag %s (former %s), %d values; want the former content under line_ending lf",
				step, res.Held, res.ETag, good.ETag, len(listValues(res.Body)))
		}
		g.clock.advance(200 * time.Second)
		g.svc.arts.Clear()
	}
}

// A held list whose content under the new settings keeps failing to
// render is built again once per 30 seconds, not at every request: each
// request read MISP and rendered the list twice, to fail again, and the
// log said the last good list was served while devices got an error. The
// requests in between get the render's error at once; a retry that finds
// the MISP answer gone (the feed read again) does not serve the former
// rendering; a release lets the next request build.
func TestHeldContentRenderFailureRetriedEvery30Seconds(t *testing.T) {
	g := newShrinkRig(t, "held render retry test")
	failing := true
	rd, _ := heldUnderNewOptions(g, func(n int32) bool {
		return failing && n >= 3 && n%2 == 1 // every render of the former content
	})
	const failed = "list held, nothing served: the last good list could not be rendered under the current settings"
	for _, tc := range []struct {
		step    string
		after   time.Duration // since the step before
		renders int32
	}{
		{"first build held", 0, 3}, {"10s later", 10 * time.Second, 3}, {"20s later", 10 * time.Second, 3},
		{"30s later", 10 * time.Second, 5}, {"40s later", 10 * time.Second, 5},
		{"past the lifetime, the feed read again", 100 * time.Second, 6}, {"10s after that", 10 * time.Second, 6},
	} {
		g.clock.advance(tc.after)
		res, err := g.svc.Get(t.Context(), g.req)
		if !errors.As(err, new(*RenderError)) {
			t.Fatalf("%s: %v (held %+v, %d entries), want the render's error", tc.step, err, res.Held, res.Entries)
		}
		if n := rd.calls.Load(); n != tc.renders {
			t.Fatalf("%s: %d renders in all, want %d", tc.step, n, tc.renders)
		}
	}
	logs := g.log.Records(failed)
	if len(logs) != 3 || !strings.Contains(logs[0]["error"].(string), "plugin failed") || logs[0]["retry_after"] != "30s" {
		t.Fatalf("log %q: %v; want one per failed build, naming the error and when it is tried again", failed, logs)
	}
	if served := g.log.Records("list held: serving the last good list"); len(served) != 0 {
		t.Fatalf("log says the last good list is served: %v", served)
	}
	failing = false
	held, err := g.svc.Release(t.Context(), g.req.Site.Name, "")
	if err != nil {
		t.Fatal(err)
	}
	res := g.get("build after the release")
	if res.Held != nil || res.Entries != held[0].Current {
		t.Fatalf("after the release: held %+v, %d entries; want the rebuilt list of %d", res.Held, res.Entries, held[0].Current)
	}
}

// A held list's build that every device waiting for it gave up while the
// former content rendered under the new options (the plugin answering
// its caller's departure with an error) is not a failure of that render:
// the next request builds the list and gets it. Before, the cancelled
// render was taken as failed, and every request of the next 30 seconds
// got its error at once, without a build.
func TestHeldContentRenderGivenUpIsNotAFailure(t *testing.T) {
	g := newShrinkRig(t, "held render given up test")
	started, left := make(chan struct{}), make(chan struct{})
	_, good := heldUnderNewOptions(g, func(n int32) bool {
		if n != 3 { // the former content under the new options, in the build given up
			return false
		}
		close(started)
		<-left
		return true
	})
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		_, err := g.svc.Get(ctx, g.req)
		errc <- err
	}()
	<-started
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("request given up: %v, want context.Canceled", err)
	}
	close(left)
	const (
		givenUp = "list held: its build was given up before the last good list was rendered under the current settings"
		failed  = "list held, nothing served: the last good list could not be rendered under the current settings"
	)
	testtool.WaitFor(t, "the build given up to log its hold", time.Minute, func() bool {
		return len(g.log.Records(givenUp))+len(g.log.Records(failed)) > 0
	})
	res, err := g.svc.Get(t.Context(), g.req)
	if err != nil {
		t.Fatalf("next request: %v; want the former content under the new options, built again", err)
	}
	if res.Held == nil || res.ETag == good.ETag || len(listValues(res.Body)) != good.Entries {
		t.Fatalf("next request: held %+v, ETag %s (former %s), %d values; want the former content under the new options",
			res.Held, res.ETag, good.ETag, len(listValues(res.Body)))
	}
	for msg, want := range map[string]int{
		failed:                                  0,
		"list held: serving the last good list": 0,
		givenUp:                                 1,
	} {
		if logs := g.log.Records(msg); len(logs) != want {
			t.Errorf("log %q: %v, want %d", msg, logs, want)
		}
	}
}

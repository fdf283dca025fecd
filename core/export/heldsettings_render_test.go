package export

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// A hold after a change of renderer options whose render of the former
// list's content under the new options fails (a plugin's error here; a
// list past render_max_bytes, no render slot free) serves nothing: the
// former rendering was served and cached, marked as predating the change,
// and, the feed read again at the next rebuild, the former answer was gone
// and the former rendering was what the hold served from then on. The
// next build renders the content under the new options.
func TestHeldFormerContentRenderFailureServesNoFormerRendering(t *testing.T) {
	g := newShrinkRig(t, "held render failure test")
	var failing bool
	rd := &countedRenderer{Renderer: txtRenderer(), at: func(n int32) error {
		if failing && n == 3 { // the former content under the new options
			return errors.New("plugin failed")
		}
		return nil
	}}
	addRenderer(t, g.svc, rd)
	g.req.Output = rd.Info().Name
	good := g.get("first build")
	site := *g.req.Site
	site.Renderers = map[string]map[string]string{rd.Info().Name: {"line_ending": "lf"}}
	g.req.Site = &site
	g.m.keep.Store(30)
	g.clock.advance(48 * time.Hour)

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

package export

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// A reload that changes a renderer option, MISP's answer the same, whose
// build then fails for the new option (a plugin's error here; a list past
// render_max_bytes) serves nothing: the list rendered under the former
// option was served STALE as if it were the list's, and kept as its
// entry. The device keeps the list it has, and the log names the failure.
func TestFailedBuildUnderNewOptionsServesNoFormerRendering(t *testing.T) {
	g := newShrinkRig(t, "failed build under new options test")
	var failing bool
	rd := &countedRenderer{Renderer: txtRenderer(), at: func(int32) error {
		if failing {
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
	g.clock.advance(200 * time.Second)

	failing = true
	for _, step := range []string{"build under the new option", "the next request"} {
		res, err := g.svc.Get(t.Context(), g.req)
		if !errors.As(err, new(*RenderError)) {
			t.Fatalf("%s: %s, ETag %s (former %s), %v; want the render's error", step, res.Status, res.ETag, good.ETag, err)
		}
		g.clock.advance(time.Second)
	}
	const refused = "list built under the former settings not served: its build under the current guard or renderer options failed"
	logs := g.log.Records(refused)
	if len(logs) != 2 || !strings.Contains(logs[0]["error"].(string), "plugin failed") {
		t.Fatalf("log %q: %v; want one per request, naming the failure", refused, logs)
	}
	if served := g.log.Records("serving last good list"); len(served) != 0 {
		t.Fatalf("log says the last good list is served: %v", served)
	}
	failing = false
	if res := g.get("build once the render passes"); res.Status != Miss || res.ETag == good.ETag {
		t.Fatalf("build once the render passes: %s, ETag %s (former %s); want a MISS under the new option", res.Status, res.ETag, good.ETag)
	}
}

package server_test

import (
	"context"
	"encoding/json"
	"io"
	"iter"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// plugin is a renderer as a plugin's Info declares it: no README.
type plugin struct{ info renderers.Info }

func (p plugin) Info() renderers.Info { return p.info }
func (plugin) Render(context.Context, io.Writer, renderers.Request, iter.Seq[indicator.Indicator]) error {
	return nil
}

// GET /v1/renderers and the console's renderer pages say what each option
// takes, for built-in renderers and plugins alike: its kind, an int's
// range, an enum's values.
func TestRenderersListOptionKinds(t *testing.T) {
	registry := renderers.Builtin().Clone()
	if err := registry.Add(plugin{renderers.Info{Name: "appliance", Description: "A plugin's list", ContentType: "text/plain",
		Extension: ".txt", Types: []indicator.Type{indicator.IPv4}, Options: []renderers.Option{
			{Name: "batch", Default: "10", Description: "entries a batch", Kind: renderers.KindInt, Min: 1},
		}}}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, asAdmin(), func(h *harness) { h.registry = registry })
	var list struct {
		Renderers []struct {
			Name    string            `json:"name"`
			Options []json.RawMessage `json:"options"`
		} `json:"renderers"`
	}
	getJSON(t, h, "/v1/renderers", &list)
	got := map[string]string{}
	for _, r := range list.Renderers {
		for _, o := range r.Options {
			var named struct{ Name string }
			if err := json.Unmarshal(o, &named); err != nil {
				t.Fatal(err)
			}
			got[r.Name+"/"+named.Name] = string(o)
		}
	}
	for key, want := range map[string]string{
		"ipset/maxelem":        `"kind":"int","min":1,"max":2147483647}`,
		"unbound/policy":       `"kind":"enum","values":["always_nxdomain","always_refuse","redirect"]}`,
		"txt/line_ending":      `"kind":"enum","values":["crlf","lf"],"ignore_case":true}`,
		"txt/trailing_newline": `"kind":"bool"}`,
		"unbound/sinkhole_a":   `"kind":"string"}`,
		"appliance/batch":      `"kind":"int","min":1}`,
	} {
		if !strings.HasSuffix(got[key], want) {
			t.Errorf("%s: %s, want it to end with %s", key, got[key], want)
		}
	}

	cookie := h.login(t)
	for _, tc := range []struct{ path, want string }{
		{"/ui/renderers", `<a href="/ui/renderers/appliance">appliance</a>`},
		{"/ui/renderers/ipset", "<td>a whole number from 1 to 2147483647</td>"},
		{"/ui/renderers/unbound", "<td>one of always_nxdomain, always_refuse, redirect</td>"},
		{"/ui/renderers/txt", "<td>one of crlf, lf (in any case)</td>"},
		{"/ui/renderers/txt", "<td>true or false</td>"},
		{"/ui/renderers/unbound", "<td>any text</td>"},
		{"/ui/renderers/appliance", "<td>a whole number ≥ 1</td>"},
	} {
		resp, body := h.get(tc.path, "Cookie", "cratos_console="+cookie)
		if resp.StatusCode != 200 || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d, lacks %s", tc.path, resp.StatusCode, tc.want)
		}
	}
}

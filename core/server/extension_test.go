package server_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"io"
	"iter"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/plugins"
	"github.com/cratos-project/cratos/renderers"
)

// An output followed by its renderer's own extension (output/junos.txt, for
// an SRX that takes a plain list only from a .txt URL) is the same list as
// the output alone: same bytes and ETag, one build, one MISP read.
func TestOutputWithItsExtension(t *testing.T) {
	h := newHarness(t)
	const base = "/v1/feed/block/type/ipv4/age/1y/output/junos"
	first, plain := h.authed(base)
	if first.StatusCode != 200 || first.Header.Get("X-Cache") != "MISS" {
		t.Fatalf("%s: %d %s", base, first.StatusCode, first.Header.Get("X-Cache"))
	}
	const want = "1.2.3.4/32\n192.0.2.44/32\n192.0.2.55/32\n198.51.100.7/32\n198.51.100.9/32\n198.51.100.10/32\n"
	if plain != want {
		t.Fatalf("%s:\n%s\nwant\n%s", base, plain, want)
	}
	resp, named := h.authed(base + ".txt")
	if resp.StatusCode != 200 || named != plain {
		t.Fatalf("%s.txt: %d\n%s\nwant the list of %s", base, resp.StatusCode, named, base)
	}
	if got := resp.Header.Get("X-Cache"); got != "HIT" {
		t.Errorf("%s.txt: X-Cache %s, want HIT: the list of %s", base, got, base)
	}
	for _, hd := range []string{"ETag", "Last-Modified", "Content-Type"} {
		if resp.Header.Get(hd) != first.Header.Get(hd) {
			t.Errorf("%s: %q, want %q", hd, resp.Header.Get(hd), first.Header.Get(hd))
		}
	}
	// The SRX asks with HEAD whether the list changed, the token in the
	// query after the .txt.
	head, _ := h.do("HEAD", base+".txt?token="+h.token)
	if head.StatusCode != 200 || head.Header.Get("ETag") != first.Header.Get("ETag") {
		t.Errorf("HEAD %s.txt?token=: %d ETag %s, want 200 %s", base, head.StatusCode, head.Header.Get("ETag"), first.Header.Get("ETag"))
	}
	if nm, body := h.authed(base+".txt", "If-None-Match", first.Header.Get("ETag")); nm.StatusCode != 304 || body != "" {
		t.Errorf("%s.txt with the ETag of %s: %d %q, want 304", base, base, nm.StatusCode, body)
	}
	if n := h.sim.RestSearchCount(); n != 1 {
		t.Errorf("%d MISP searches for both URLs, want 1", n)
	}
	resp, sum := h.authed(base + ".txt.md5")
	if md5sum := md5.Sum([]byte(plain)); resp.StatusCode != 200 || sum != hex.EncodeToString(md5sum[:]) {
		t.Errorf("%s.txt.md5: %d %q, want %x", base, resp.StatusCode, sum, md5sum)
	}
	for _, output := range []string{"junos.rpz", "junos.txt.txt", "junos.TXT", "txt.zone", "junos."} {
		path := "/v1/feed/block/type/ipv4/age/1y/output/" + output
		if resp, body := h.authed(path); resp.StatusCode != 404 {
			t.Errorf("%s: %d %s, want 404", output, resp.StatusCode, body)
		}
	}
}

// countedRenderer is txt under another name and extension, counting its
// renders.
type countedRenderer struct {
	renderers.Renderer
	renders atomic.Int64
}

func (c *countedRenderer) Info() renderers.Info {
	info := c.Renderer.Info()
	info.Name, info.Extension, info.Options = "counted", ".rsc", nil
	return info
}

func (c *countedRenderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	c.renders.Add(1)
	return c.Renderer.Render(ctx, w, req, in)
}

// A plugin renderer's list is served under its name followed by the
// extension it declares, built once for both.
func TestPluginOutputWithItsExtension(t *testing.T) {
	txt, _ := renderers.Builtin().Lookup("txt")
	inner := &countedRenderer{Renderer: txt}
	client, stop, err := plugins.Loopback(context.Background(), inner)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	h := newHarness(t, func(h *harness) {
		h.registry = renderers.Builtin().Clone()
		if err := h.registry.Add(client); err != nil {
			t.Fatal(err)
		}
	})
	const base = "/v1/feed/block/type/ipv4/age/1y/output/counted"
	first, plain := h.authed(base)
	named, body := h.authed(base + ".rsc")
	if first.StatusCode != 200 || named.StatusCode != 200 || body != plain || plain == "" {
		t.Fatalf("%s: %d, .rsc: %d %q, want %q", base, first.StatusCode, named.StatusCode, body, plain)
	}
	if named.Header.Get("ETag") != first.Header.Get("ETag") {
		t.Errorf("ETag %s, want %s", named.Header.Get("ETag"), first.Header.Get("ETag"))
	}
	if n := inner.renders.Load(); n != 1 {
		t.Errorf("rendered %d times for both URLs, want 1", n)
	}
	if resp, _ := h.authed(base + ".txt"); resp.StatusCode != 404 {
		t.Errorf("%s.txt: %d, want 404 (not the plugin's extension)", base, resp.StatusCode)
	}
}

// The OpenAPI document and /v1/help give each output's file name form.
func TestOpenAPIListsOutputFileNames(t *testing.T) {
	h := newHarness(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name   string `json:"name"`
				Schema struct {
					Enum []string `json:"enum"`
				} `json:"schema"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	getJSON(t, h, "/v1/openapi.json", &doc)
	var enum []string
	for _, p := range doc.Paths["/v1/feed/{feedName}/type/{dataType}/age/{dataAge}/output/{output}"]["get"].Parameters {
		if p.Name == "output" {
			enum = p.Schema.Enum
		}
	}
	for _, want := range []string{"junos", "junos.txt", "rpz.rpz", "stix21.json", "suricata.rules"} {
		if !slices.Contains(enum, want) {
			t.Errorf("output enum %q lacks %q", enum, want)
		}
	}
	if slices.Contains(enum, "txt.zone") || slices.Contains(enum, "junos.rpz") {
		t.Errorf("output enum %q lists another renderer's extension", enum)
	}
	if _, page := h.get("/v1/help"); !strings.Contains(page, "junos.txt") {
		t.Error("/v1/help does not list junos.txt")
	}
}

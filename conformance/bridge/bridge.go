// Package bridge checks that the plugin bridge carries a renderer
// unchanged: Check renders through plugins.Loopback and compares. It is
// apart from the test kit, package conformance, so that a renderer's
// tests link gRPC only when they check the bridge.
package bridge

import (
	"bytes"
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/internal/harness"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/plugins"
	"github.com/cratos-project/cratos/renderers"
)

// bridgeGenerated is the size of the generated input Check renders:
// 50,000 indicators, many of the protocol's batches; 10,000 under the
// race detector, which slows rendering and encoding some twenty-fold and
// sees the same streams at work with either (make test runs
// TestCheckBridge in full without it too).
func bridgeGenerated() int {
	if testtool.RaceEnabled {
		return 10_000
	}
	return 50_000
}

// Check runs r through the plugin bridge inside this process
// (plugins.Loopback: the gRPC protocol, batching, chunking and flow control
// of a plugin process, without the process) and fails t unless the bridge
// is invisible: the same Info, the same option verdicts, and
// byte-identical output with identical drop reports for conformance.Sample()
// and for 50,000 generated indicators (conformance.Generated(50_000, 1)'s
// mix; 10,000 under the race detector), both restricted to r's types.
func Check(t *testing.T, r renderers.Renderer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c, stop, err := plugins.Loopback(ctx, r)
	if err != nil {
		t.Fatalf("conformance: bridge: %v", err)
	}
	defer stop()

	info := r.Info()
	if got := c.Info(); !sameInfo(got, info) {
		t.Errorf("conformance: bridge %s: Info over the bridge is %+v, want %+v", info.Name, got, info)
	}
	checkBridgeOptions(t, r, c, info)

	types := indicator.SetOf(info.Types...)
	inputs := []struct {
		name string
		ins  []indicator.Indicator
	}{
		{"sample", harness.Filter(harness.Sample(), types)},
		{"generated", harness.Generate(bridgeGenerated(), 1, types)},
	}
	req := harness.Request("")
	req.Options = map[string]string{}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			direct := bridgeRender(ctx, r, req, in.ins)
			bridged := bridgeRender(ctx, c, req, in.ins)
			if direct.err != nil || bridged.err != nil {
				t.Fatalf("conformance: bridge %s: Render failed: direct %v, bridged %v", info.Name, direct.err, bridged.err)
			}
			if !bytes.Equal(direct.out, bridged.out) {
				t.Errorf("conformance: bridge %s: output of %d indicators differs (direct %d bytes, bridged %d bytes)\n%s",
					info.Name, len(in.ins), len(direct.out), len(bridged.out), harness.FirstDifference(direct.out, bridged.out))
			}
			if !slices.Equal(direct.drops, bridged.drops) {
				t.Errorf("conformance: bridge %s: drop reports differ: direct %v, bridged %v", info.Name, direct.drops, bridged.drops)
			}
		})
	}
}

type bridgeResult struct {
	out   []byte
	drops []bridgeDrop
	err   error
}

type bridgeDrop struct {
	Reason string
	Count  int
}

func bridgeRender(ctx context.Context, r renderers.Renderer, req renderers.Request, ins []indicator.Indicator) bridgeResult {
	var res bridgeResult
	var buf bytes.Buffer
	req.Dropped = func(reason string, n int) { res.drops = append(res.drops, bridgeDrop{reason, n}) }
	res.err = r.Render(ctx, &buf, req, renderers.Slice(ins))
	res.out = buf.Bytes()
	return res
}

func sameInfo(a, b renderers.Info) bool {
	return a.Name == b.Name && a.Description == b.Description && a.ContentType == b.ContentType &&
		a.Extension == b.Extension && slices.Equal(a.Types, b.Types) && slices.EqualFunc(a.Options, b.Options, sameWireOption)
}

// sameWireOption compares what the plugin protocol carries of an option:
// all of it.
func sameWireOption(a, b renderers.Option) bool {
	return a.Name == b.Name && a.Default == b.Default && a.Description == b.Description &&
		a.Kind == b.Kind && a.Min == b.Min && a.Max == b.Max && slices.Equal(a.Values, b.Values) && a.FoldCase == b.FoldCase
}

// checkBridgeOptions compares the option verdicts of r and of its bridge c.
func checkBridgeOptions(t *testing.T, r, c renderers.Renderer, info renderers.Info) {
	t.Helper()
	defaults := map[string]string{}
	for _, o := range info.Options {
		defaults[o.Name] = o.Default
	}
	for _, opts := range []map[string]string{{}, defaults, {"conformance-unknown-option": "x"}} {
		want, got := errText(harness.SafeValidate(r, opts)), errText(harness.SafeValidate(c, opts))
		if got != want {
			t.Errorf("conformance: bridge %s: ValidateOptions(%v) over the bridge = %q, want %q",
				info.Name, slices.Sorted(maps.Keys(opts)), got, want)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

package contract

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"slices"
	"sync"

	"github.com/cratos-project/cratos/conformance/internal/harness"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

func (c *checker) checkInfo() {
	for _, err := range c.info.Problems() {
		c.failf("info", "%w", err)
	}
}

func (c *checker) checkOptions() {
	if err := harness.SafeValidate(c.r, map[string]string{"no-such-option": "x"}); err == nil {
		c.failf("options", `ValidateOptions accepted the undeclared option "no-such-option"`)
	}
	all := map[string]string{}
	for _, o := range c.info.Options {
		if o.Name == "" {
			continue // reported by checkInfo
		}
		all[o.Name] = o.Default
		if err := harness.SafeValidate(c.r, map[string]string{o.Name: o.Default}); err != nil {
			c.failf("options", "ValidateOptions rejected option %q with its own default %q: %w", o.Name, o.Default, err)
		}
	}
	if len(all) > 1 {
		if err := harness.SafeValidate(c.r, all); err != nil {
			c.failf("options", "ValidateOptions rejected all defaults together: %w", err)
		}
	}
}

// checkDefaults renders with every default spelled out and compares with
// the render without options.
func (c *checker) checkDefaults(sample []indicator.Indicator) {
	if len(c.info.Options) == 0 {
		return
	}
	opts := map[string]string{}
	for _, o := range c.info.Options {
		opts[o.Name] = o.Default
	}
	plain := c.render(c.ctx, nil, c.request(""), sample)
	req := c.request("")
	req.Options = opts
	explicit := c.render(c.ctx, nil, req, sample)
	switch {
	case plain.err != nil || explicit.err != nil:
		c.failf("options", "render with and without explicit defaults: %w", errors.Join(plain.err, explicit.err))
	case !bytes.Equal(plain.out, explicit.out):
		c.failf("options", "output with every option set to its declared Default differs from output with no options: %s", harness.FirstDifference(plain.out, explicit.out))
	}
}

func (c *checker) checkEmpty() {
	a := c.render(c.ctx, nil, c.request(""), nil)
	b := c.render(c.ctx, nil, c.request(""), nil)
	switch {
	case a.err != nil || b.err != nil:
		c.failf("empty input", "Render failed: %w", errors.Join(a.err, b.err))
	case !bytes.Equal(a.out, b.out):
		c.failf("empty input", "two renders differ: %s", harness.FirstDifference(a.out, b.out))
	}
}

func (c *checker) checkDeterminism(in []indicator.Indicator) {
	a := c.render(c.ctx, nil, c.request(""), in)
	b := c.render(c.ctx, nil, c.request(""), in)
	switch {
	case a.err != nil || b.err != nil:
		c.failf("determinism", "Render of the sample (%d indicators of the declared types) failed: %w", len(in), errors.Join(a.err, b.err))
	case !bytes.Equal(a.out, b.out):
		c.failf("determinism", "two renders of the same input differ: %s", harness.FirstDifference(a.out, b.out))
	case !maps.Equal(a.drops, b.drops):
		c.failf("determinism", "two renders of the same input report different drops: %v and %v", a.drops, b.drops)
	default:
		c.checkDropReasons(a.drops)
	}
}

// checkDropReasons holds the sample's drop reports to the bounds of
// renderers.MaxDropReason and renderers.MaxDropReasons: a reason names a
// kind of entry, not a value.
func (c *checker) checkDropReasons(drops map[string]int) {
	if len(drops) > renderers.MaxDropReasons {
		c.failf("drop reasons", "the sample gives %d distinct drop reasons, more than %d", len(drops), renderers.MaxDropReasons)
	}
	for _, reason := range slices.Sorted(maps.Keys(drops)) {
		if len(reason) > renderers.MaxDropReason {
			c.failf("drop reasons", "drop reason of %d bytes, more than %d: %.60q...", len(reason), renderers.MaxDropReason, reason)
			return
		}
	}
}

// checkReads renders the input as given and with the fields outside
// Info.Reads zeroed, as the plugin bridge sends it: a renderer that
// declares what it reads must not read anything else.
func (c *checker) checkReads(in []indicator.Indicator) {
	reads := c.info.Reads
	if reads == 0 {
		return
	}
	if reads&^renderers.AllFields != 0 {
		c.failf("reads", "Reads %#x holds unknown field bits", uint8(reads))
		return
	}
	masked := make([]indicator.Indicator, len(in))
	for i, x := range in {
		masked[i] = reads.Mask(x)
	}
	a := c.render(c.ctx, nil, c.request(""), in)
	b := c.render(c.ctx, nil, c.request(""), masked)
	switch {
	case a.err != nil || b.err != nil:
		c.failf("reads", "Render failed: %w", errors.Join(a.err, b.err))
	case !bytes.Equal(a.out, b.out):
		c.failf("reads", "the output changes when the fields outside Reads are zero (the renderer reads a field it does not declare): %s", harness.FirstDifference(a.out, b.out))
	case !maps.Equal(a.drops, b.drops):
		c.failf("reads", "the drops change when the fields outside Reads are zero: %v and %v", a.drops, b.drops)
	}
}

// checkDataTypes renders each data type's share of the sample the way the
// service asks for it: only the types the data type yields, with
// Request.DataType set.
func (c *checker) checkDataTypes(sample []indicator.Indicator) {
	for _, dt := range indicator.DataTypes() {
		ts := dt.Yields & c.types
		if ts == 0 {
			continue
		}
		in := harness.Filter(sample, ts)
		if res := c.render(c.ctx, nil, c.request(dt.Name), in); res.err != nil {
			c.failf("data type "+dt.Name, "Render of %d indicators failed: %w", len(in), res.err)
		}
	}
}

func (c *checker) checkCancellation() {
	large := harness.Generate(largeInput, 5, c.types)

	pre, cancel := context.WithCancel(c.ctx)
	cancel()
	res := c.render(pre, io.Discard, c.request(""), large)
	c.expectCanceled("cancellation", "context cancelled before Render", res, len(large))

	during, cancel := context.WithCancel(c.ctx)
	defer cancel()
	res = c.renderSeq(during, io.Discard, c.request(""), func(yield func(indicator.Indicator) bool) {
		for i, in := range large {
			if i == len(large)/10 {
				cancel()
			}
			if !yield(in) {
				return
			}
		}
	})
	c.expectCanceled("cancellation", "context cancelled during Render", res, len(large))
}

func (c *checker) expectCanceled(check, what string, res result, total int) {
	switch {
	case res.err == nil:
		c.failf(check, "%s: Render returned nil, want an error wrapping context.Canceled", what)
	case !errors.Is(res.err, context.Canceled):
		c.failf(check, "%s: Render returned %q, want an error wrapping context.Canceled", what, res.err)
	case res.pulled >= total:
		c.failf(check, "%s: Render consumed all %d indicators; it must stop early", what, total)
	}
}

func (c *checker) checkWriteFailure(sample []indicator.Indicator) {
	large := harness.Generate(largeInput, 6, c.types)
	for _, in := range []struct {
		name string
		ins  []indicator.Indicator
	}{{"sample", sample}, {"large input", large}} {
		full := c.render(c.ctx, nil, c.request(""), in.ins)
		if full.err != nil {
			c.failf("write failure", "%s: Render to a working writer failed: %w", in.name, full.err)
			continue
		}
		for _, limit := range []int{0, len(full.out) / 2} {
			if limit >= len(full.out) {
				continue
			}
			w := &failingWriter{limit: limit}
			res := c.render(c.ctx, w, c.request(""), in.ins)
			if !errors.Is(res.err, ErrCheckWriter) {
				c.failf("write failure", "%s: writer failing after %d of %d bytes: Render returned %v, want an error wrapping the writer's error", in.name, limit, len(full.out), res.err)
			}
		}
	}
}

func (c *checker) checkConcurrency(in []indicator.Indicator) {
	want := c.render(c.ctx, nil, c.request(""), in)
	if want.err != nil {
		c.failf("concurrency", "Render failed: %w", want.err)
		return
	}
	var wg sync.WaitGroup
	results := make([]result, concurrency)
	for i := range results {
		wg.Go(func() { results[i] = c.render(c.ctx, nil, c.request(""), in) })
	}
	wg.Wait()
	for i, res := range results {
		switch {
		case res.err != nil:
			c.failf("concurrency", "goroutine %d: Render failed: %w", i, res.err)
		case !bytes.Equal(res.out, want.out):
			c.failf("concurrency", "goroutine %d: output differs from a serial render: %s", i, harness.FirstDifference(want.out, res.out))
		}
	}
}

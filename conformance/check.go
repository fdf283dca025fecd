package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// The Request fields of every render Check makes.
const (
	checkSite = "misp.conformance.example"
	checkFeed = "block"
)

var checkGenerated = time.Date(2026, 1, 2, 10, 5, 0, 0, time.UTC)

// Sizes of the generated inputs Check renders.
const (
	largeInput  = 20_000 // cancellation and write failures
	mediumExtra = 3_000  // added to the sample for determinism and concurrency
	concurrency = 8
)

// ErrCheckWriter is the error of the failing writer Check renders into;
// Render must return an error wrapping it.
var ErrCheckWriter = errors.New("conformance: writer failed on purpose")

// Check runs the renderer contract against r and returns every failure,
// joined with errors.Join, or nil when r conforms. It checks:
//
//   - Info: Name matches [a-z0-9][a-z0-9-]*, Description is one line,
//     ContentType parses as a media type, Extension starts with '.', Types
//     is non-empty with no Invalid, unknown or repeated type, Options have
//     unique non-empty names;
//   - options: every declared Default is accepted by
//     renderers.ValidateOptions, an undeclared option is rejected, and
//     rendering with every default spelled out gives the bytes of
//     rendering with no options;
//   - empty input renders without error, twice to the same bytes;
//   - Sample filtered to Info().Types (plus generated values) renders
//     without error and twice to the same bytes (and the same drops), and
//     so does each data type's share of it with Request.DataType set;
//   - cancellation: with a context cancelled before or during the render
//     of a large input, Render returns an error wrapping context.Canceled
//     without consuming the whole input;
//   - a writer that fails (at once, or half-way) makes Render return an
//     error wrapping the writer's error (ErrCheckWriter);
//   - 8 goroutines rendering the same input concurrently get identical
//     bytes.
//
// A panic in the renderer is reported as a failure. ctx bounds the whole
// check.
func Check(ctx context.Context, r renderers.Renderer) error {
	c := &checker{ctx: ctx, r: r}
	c.run()
	return errors.Join(c.errs...)
}

type checker struct {
	ctx   context.Context
	r     renderers.Renderer
	info  renderers.Info
	name  string
	types indicator.TypeSet
	errs  []error
}

func (c *checker) failf(check, format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("conformance: %s: %s: %w", c.name, check, fmt.Errorf(format, args...)))
}

func (c *checker) run() {
	info, err := safeInfo(c.r)
	c.name = info.Name
	if c.name == "" {
		c.name = fmt.Sprintf("%T", c.r)
	}
	if err != nil {
		c.failf("info", "%w", err)
		return
	}
	c.info = info
	c.checkInfo()
	for _, t := range info.Types {
		if validType(t) {
			c.types |= indicator.SetOf(t)
		}
	}
	if c.types == 0 {
		return // nothing can be rendered
	}
	c.checkOptions()
	sample := filter(Sample(), c.types)
	medium := indicator.Normalize(append(slices.Clone(sample), generate(mediumExtra, 3, c.types)...))
	steps := []func(){
		c.checkEmpty,
		func() { c.checkDeterminism(medium) },
		func() { c.checkReads(medium) },
		func() { c.checkDataTypes(sample) },
		c.checkCancellation,
		func() { c.checkWriteFailure(sample) },
		func() { c.checkConcurrency(medium) },
		func() { c.checkDefaults(sample) },
	}
	for _, step := range steps {
		if err := c.ctx.Err(); err != nil {
			c.failf("check", "stopped: %w", err)
			return
		}
		step()
	}
}

func validType(t indicator.Type) bool { return slices.Contains(indicator.AllTypes(), t) }

func (c *checker) checkInfo() {
	for _, err := range c.info.Problems() {
		c.failf("info", "%w", err)
	}
}

func (c *checker) checkOptions() {
	if err := safeValidate(c.r, map[string]string{"no-such-option": "x"}); err == nil {
		c.failf("options", `ValidateOptions accepted the undeclared option "no-such-option"`)
	}
	all := map[string]string{}
	for _, o := range c.info.Options {
		if o.Name == "" {
			continue // reported by checkInfo
		}
		all[o.Name] = o.Default
		if err := safeValidate(c.r, map[string]string{o.Name: o.Default}); err != nil {
			c.failf("options", "ValidateOptions rejected option %q with its own default %q: %w", o.Name, o.Default, err)
		}
	}
	if len(all) > 1 {
		if err := safeValidate(c.r, all); err != nil {
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
		c.failf("options", "output with every option set to its declared Default differs from output with no options: %s", FirstDifference(plain.out, explicit.out))
	}
}

func (c *checker) checkEmpty() {
	a := c.render(c.ctx, nil, c.request(""), nil)
	b := c.render(c.ctx, nil, c.request(""), nil)
	switch {
	case a.err != nil || b.err != nil:
		c.failf("empty input", "Render failed: %w", errors.Join(a.err, b.err))
	case !bytes.Equal(a.out, b.out):
		c.failf("empty input", "two renders differ: %s", FirstDifference(a.out, b.out))
	}
}

func (c *checker) checkDeterminism(in []indicator.Indicator) {
	a := c.render(c.ctx, nil, c.request(""), in)
	b := c.render(c.ctx, nil, c.request(""), in)
	switch {
	case a.err != nil || b.err != nil:
		c.failf("determinism", "Render of the sample (%d indicators of the declared types) failed: %w", len(in), errors.Join(a.err, b.err))
	case !bytes.Equal(a.out, b.out):
		c.failf("determinism", "two renders of the same input differ: %s", FirstDifference(a.out, b.out))
	case !maps.Equal(a.drops, b.drops):
		c.failf("determinism", "two renders of the same input report different drops: %v and %v", a.drops, b.drops)
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
		c.failf("reads", "the output changes when the fields outside Reads are zero (the renderer reads a field it does not declare): %s", FirstDifference(a.out, b.out))
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
		in := filter(sample, ts)
		if res := c.render(c.ctx, nil, c.request(dt.Name), in); res.err != nil {
			c.failf("data type "+dt.Name, "Render of %d indicators failed: %w", len(in), res.err)
		}
	}
}

func (c *checker) checkCancellation() {
	large := generate(largeInput, 5, c.types)

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
	large := generate(largeInput, 6, c.types)
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
			c.failf("concurrency", "goroutine %d: output differs from a serial render: %s", i, FirstDifference(want.out, res.out))
		}
	}
}

func (c *checker) request(dataType string) renderers.Request {
	if dataType == "" {
		dataType = c.defaultDataType()
	}
	return renderers.Request{Site: checkSite, Feed: checkFeed, DataType: dataType, Generated: checkGenerated}
}

// defaultDataType is the first data type yielding one of the declared
// types, for renders of mixed input.
func (c *checker) defaultDataType() string {
	for _, dt := range indicator.DataTypes() {
		if dt.Yields&c.types != 0 {
			return dt.Name
		}
	}
	return "ipv4"
}

type result struct {
	out    []byte
	drops  map[string]int
	pulled int
	err    error
}

// render renders ins into w, or into a buffer returned as out when w is nil.
func (c *checker) render(ctx context.Context, w io.Writer, req renderers.Request, ins []indicator.Indicator) result {
	return c.renderSeq(ctx, w, req, renderers.Slice(ins))
}

func (c *checker) renderSeq(ctx context.Context, w io.Writer, req renderers.Request, seq func(func(indicator.Indicator) bool)) (res result) {
	var buf bytes.Buffer
	if w == nil {
		w = &buf
	}
	var mu sync.Mutex
	res.drops = map[string]int{}
	req.Dropped = func(reason string, n int) {
		mu.Lock()
		res.drops[reason] += n
		mu.Unlock()
	}
	var pulled atomic.Int64
	counted := func(yield func(indicator.Indicator) bool) {
		seq(func(in indicator.Indicator) bool {
			pulled.Add(1)
			return yield(in)
		})
	}
	defer func() {
		if p := recover(); p != nil {
			res.err = fmt.Errorf("renderer panicked in Render: %v\n%s", p, debug.Stack())
		}
		res.out = buf.Bytes()
		res.pulled = int(pulled.Load())
	}()
	res.err = c.r.Render(ctx, w, req, counted)
	return res
}

func safeInfo(r renderers.Renderer) (info renderers.Info, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("renderer panicked in Info: %v", p)
		}
	}()
	return r.Info(), nil
}

func safeValidate(r renderers.Renderer, opts map[string]string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("renderer panicked in ValidateOptions: %v", p)
		}
	}()
	return renderers.ValidateOptions(r, opts)
}

// failingWriter accepts limit bytes, then fails every write.
type failingWriter struct {
	limit, n int
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n+len(p) <= w.limit {
		w.n += len(p)
		return len(p), nil
	}
	k := w.limit - w.n
	w.n = w.limit
	return k, ErrCheckWriter
}

func filter(ins []indicator.Indicator, ts indicator.TypeSet) []indicator.Indicator {
	out := make([]indicator.Indicator, 0, len(ins))
	for _, in := range ins {
		if ts.Has(in.Type) {
			out = append(out, in)
		}
	}
	return out
}

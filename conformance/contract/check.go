package contract

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/cratos-project/cratos/conformance/internal/harness"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

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
//   - the fixed sample (conformance.Sample) filtered to Info().Types, plus
//     generated values, renders without error and twice to the same bytes
//     (and the same drops), and so does each data type's share of it with
//     Request.DataType set;
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

// checker is one run of Check: the renderer, what its Info declares, and
// the failures so far.
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
	info, err := harness.SafeInfo(c.r)
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
	sample := harness.Filter(harness.Sample(), c.types)
	medium := indicator.Normalize(append(slices.Clone(sample), harness.Generate(mediumExtra, 3, c.types)...))
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

func (c *checker) request(dataType string) renderers.Request {
	if dataType == "" {
		dataType = c.defaultDataType()
	}
	return harness.Request(dataType)
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

package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/workgroup"
	"github.com/cratos-project/cratos/renderers"
)

// panicky renders as txt, or panics while panics is set.
type panicky struct {
	renderers.Renderer
	panics *atomic.Bool
}

func (p panicky) Info() renderers.Info {
	info := p.Renderer.Info()
	info.Name = "test-panicky"
	return info
}

func (p panicky) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	if p.panics.Load() {
		panic("a renderer's bug")
	}
	return p.Renderer.Render(ctx, w, req, in)
}

// A build that panics, in the background or for a request, is an error:
// the last good list is served, the stack goes to the log, and the
// process goes on (a panic in the build's own goroutine would end it).
func TestBuildPanicIsAnError(t *testing.T) {
	rig := newSWRRig(t, newGatedMISP(t), Options{})
	var panics atomic.Bool
	txt, _ := renderers.Lookup("txt")
	reg := rig.svc.opts.Renderers.Clone()
	if err := reg.Add(panicky{txt, &panics}); err != nil {
		t.Fatal(err)
	}
	rig.svc.opts.Renderers = reg
	rig.req.Output = "test-panicky"
	first := rig.get(t, Miss)

	panics.Store(true)
	rig.clock.advance(rig.req.TTL + 1)
	if res := rig.get(t, Revalidating); res.ETag != first.ETag {
		t.Fatalf("served %s during the rebuild, want the previous list %s", res.ETag, first.ETag)
	}
	if err := rig.waitRefresh(t); !errors.Is(err, ErrBuildPanicked) {
		t.Fatalf("background rebuild: %v, want ErrBuildPanicked", err)
	}
	if log := rig.logbuf.String(); !strings.Contains(log, "list build panicked") || !strings.Contains(log, "a renderer's bug") ||
		!strings.Contains(log, "panic_test.go") {
		t.Fatalf("the log lacks the panic and its stack:\n%s", log)
	}

	// A request that waits for the build gets the last good list.
	rig.req.Site.MaxStaleSeconds = 1
	rig.clock.advance(rig.req.TTL + 10)
	res, err := rig.svc.Get(context.Background(), rig.req)
	if err != nil || res.Status != Stale || res.ETag != first.ETag || !errors.Is(res.Upstream, ErrBuildPanicked) {
		t.Fatalf("waiting request: %v, status %s, ETag %s (want STALE %s)", err, res.Status, res.ETag, first.ETag)
	}

	// Without a last good list, the request gets the error.
	rig.req.Age = "9y"
	if _, err := rig.svc.Get(context.Background(), rig.req); !errors.Is(err, ErrBuildPanicked) {
		t.Fatalf("a new list: %v, want ErrBuildPanicked", err)
	}
}

func TestPanicOrigin(t *testing.T) {
	worker := &workgroup.Panic{Value: "in a worker", Stack: []byte("worker stack")}
	for _, tc := range []struct {
		name  string
		p     any
		value any
		stack string
	}{
		{"a value", "plain", "plain", "here"},
		{"an error", io.EOF, io.EOF, "here"},
		{"a worker's", worker, "in a worker", "worker stack"},
		{"a worker's, wrapped", fmt.Errorf("single-flight: %w", worker), "in a worker", "worker stack"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			value, stack := panicOrigin(tc.p, []byte("here"))
			if value != tc.value || string(stack) != tc.stack {
				t.Errorf("panicOrigin: %v, %q; want %v, %q", value, stack, tc.value, tc.stack)
			}
		})
	}
}

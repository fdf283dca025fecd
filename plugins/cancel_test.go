package plugins

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"

	"google.golang.org/grpc"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/plugins/proto"
	"github.com/cratos-project/cratos/renderers"
)

// TestRenderCancelledReportsCancellation cancels a render while the host
// sends its input to a plugin that, once the input stops, answers at once
// with a failure: that answer can reach the host before the cancelled
// stream does, as it may over a real connection on a busy machine. The
// caller cancelled, so the render reports the cancellation, not the
// plugin's view of it.
func TestRenderCancelledReportsCancellation(t *testing.T) {
	c := &Client{rpc: statusFirstRPC{}, info: renderers.Info{Name: "fake", Reads: renderers.FieldValue}}
	in := testIndicators(100)
	for _, at := range []int{0, 10} {
		ctx, cancel := context.WithCancel(context.Background())
		seq := func(yield func(indicator.Indicator) bool) {
			for i, x := range in {
				if i == at {
					cancel()
				}
				if !yield(x) {
					return
				}
			}
		}
		err := c.Render(ctx, io.Discard, renderers.Request{}, seq)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled at indicator %d: Render = %v, want an error wrapping context.Canceled", at, err)
		}
	}
}

// statusFirstRPC is a plugin connection whose plugin, once the host's
// input ends, answers with a failure status and ends its output, whatever
// became of the stream's context.
type statusFirstRPC struct{ proto.RendererClient }

func (statusFirstRPC) Render(ctx context.Context, _ ...grpc.CallOption) (proto.Renderer_RenderClient, error) {
	return &statusFirstStream{ctx: ctx, inputEnded: make(chan struct{})}, nil
}

type statusFirstStream struct {
	grpc.ClientStream
	ctx        context.Context
	inputEnded chan struct{}
	endInput   sync.Once
	answered   bool // read and written by Recv alone
}

func (s *statusFirstStream) Context() context.Context { return s.ctx }

func (s *statusFirstStream) Send(*proto.RenderInput) error { return nil }

func (s *statusFirstStream) CloseSend() error {
	s.endInput.Do(func() { close(s.inputEnded) })
	return nil
}

func (s *statusFirstStream) Recv() (*proto.RenderOutput, error) {
	<-s.inputEnded
	if s.answered {
		return nil, io.EOF
	}
	s.answered = true
	failed := &proto.Status{Error: "plugins: render: receive input: plugin protocol violation: input ended without an end marker"}
	return &proto.RenderOutput{Msg: &proto.RenderOutput_Status{Status: failed}}, nil
}

package plugins

import (
	"bytes"
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

// TestRenderCancelledMidOutputNeverSucceeds cancels a render between two
// chunks of its output; the rest of the output and the plugin's success
// were already on their way and are read after the cancellation, as a
// gRPC stream delivers the messages it holds. The output read once the
// caller has gone never reaches it, so the render fails: before, it
// returned nil with the first chunk alone, a list cut short taken for a
// whole one (the stream here lasts until the render ends, as the stream
// of a plugin's render does until its deadline).
func TestRenderCancelledMidOutputNeverSucceeds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := &Client{rpc: lateTailRPC{cancelCaller: cancel}, info: renderers.Info{Name: "fake", Reads: renderers.FieldValue}}
	var out bytes.Buffer
	_, err := c.render(ctx, context.Background(), &out, renderers.Request{}, renderers.Slice(testIndicators(3)), nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("render = %v with output %q, want an error wrapping context.Canceled", err, out.String())
	}
}

// lateTailRPC is a plugin connection whose plugin writes "a", then, once
// the caller has given up and the stream is cancelled, "b" and a success
// status, which were already buffered.
type lateTailRPC struct {
	proto.RendererClient
	cancelCaller func()
}

func (r lateTailRPC) Render(ctx context.Context, _ ...grpc.CallOption) (proto.Renderer_RenderClient, error) {
	return &lateTailStream{ctx: ctx, cancelCaller: r.cancelCaller}, nil
}

type lateTailStream struct {
	grpc.ClientStream
	ctx          context.Context
	cancelCaller func()
	received     int // read and written by Recv alone
}

func (s *lateTailStream) Context() context.Context      { return s.ctx }
func (s *lateTailStream) Send(*proto.RenderInput) error { return nil }
func (s *lateTailStream) CloseSend() error              { return nil }

func (s *lateTailStream) Recv() (*proto.RenderOutput, error) {
	s.received++
	switch s.received {
	case 1:
		return &proto.RenderOutput{Msg: &proto.RenderOutput_Chunk{Chunk: []byte("a")}}, nil
	case 2:
		s.cancelCaller()
		<-s.ctx.Done()
		return &proto.RenderOutput{Msg: &proto.RenderOutput_Chunk{Chunk: []byte("b")}}, nil
	case 3:
		return &proto.RenderOutput{Msg: &proto.RenderOutput_Status{Status: &proto.Status{}}}, nil
	}
	return nil, io.EOF
}

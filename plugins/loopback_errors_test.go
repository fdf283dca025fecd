package plugins

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/plugins/proto"
	"github.com/cratos-project/cratos/renderers"
)

type failWriter struct{ after int }

var errDiskFull = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	if w.after -= len(p); w.after < 0 {
		return 0, errDiskFull
	}
	return len(p), nil
}

func TestLoopbackErrors(t *testing.T) {
	c := loopback(t, fakeRenderer{name: "fake"})
	tests := []struct {
		name    string
		mode    string
		w       io.Writer
		timeout time.Duration
		check   func(error) bool
		want    string
	}{
		{"renderer error", "error", io.Discard, 0, func(err error) bool { return err.Error() == "fake: refused" }, "the renderer's error text"},
		{"renderer panic", "panic", io.Discard, 0, func(err error) bool { return err.Error() == "renderer fake panicked: fake: boom" }, "a panic error"},
		{"input ranged twice", "twice", io.Discard, 0, func(err error) bool { return strings.Contains(err.Error(), "ranged over twice") }, "a ranged-twice error"},
		{"writer fails", "", &failWriter{after: 100 << 10}, 0, func(err error) bool { return errors.Is(err, errDiskFull) }, "errDiskFull"},
		{"context deadline", "hang", io.Discard, 50 * time.Millisecond, func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }, "context.DeadlineExceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			err := c.Render(ctx, tt.w, renderers.Request{Options: map[string]string{"mode": tt.mode}}, renderers.Slice(testIndicators(20_000)))
			if err == nil || !tt.check(err) {
				t.Fatalf("Render error = %v, want %s", err, tt.want)
			}
		})
	}
	// The connection still serves after all of that.
	if err := c.Render(context.Background(), io.Discard, renderers.Request{}, renderers.Slice(testIndicators(10))); err != nil {
		t.Fatalf("Render after failures: %v", err)
	}
}

func TestLoopbackPanicInInputReachesCaller(t *testing.T) {
	c := loopback(t, fakeRenderer{name: "fake"})
	in := func(yield func(indicator.Indicator) bool) {
		yield(indicator.Indicator{Type: indicator.IPv4, Value: "192.0.2.1"})
		panic("input: boom")
	}
	defer func() {
		if p := recover(); p != "input: boom" {
			t.Fatalf("recovered %v, want the input's panic", p)
		}
	}()
	_ = c.Render(context.Background(), io.Discard, renderers.Request{}, in)
	t.Fatal("Render returned instead of panicking")
}

func TestLoopbackRefusesInvalidType(t *testing.T) {
	c := loopback(t, fakeRenderer{name: "fake"})
	in := []indicator.Indicator{{Type: indicator.IPv4, Value: "192.0.2.1"}, {Type: indicator.Invalid, Value: "?"}}
	err := c.Render(context.Background(), io.Discard, renderers.Request{}, renderers.Slice(in))
	var bad *inputError
	if !errors.As(err, &bad) || err.Error() != "plugins: render: indicator type invalid cannot cross the plugin protocol" {
		t.Fatalf("Render = %v, want an input error", err)
	}
}

// TestServerRefusesMalformedFields sends hand-made streams to the plugin
// side: a field set with unknown bits or without the value, and batches
// whose columns do not match the fields the header names, each end the
// render with a protocol error in the status.
func TestServerRefusesMalformedFields(t *testing.T) {
	c := loopback(t, fakeRenderer{name: "fake"})
	tests := []struct {
		name   string
		fields uint32
		batch  *proto.Batch
		want   string
	}{
		{"unknown bit", 0x81, nil, "plugin protocol violation: header field set 0x81"},
		{"no value", uint32(renderers.FieldUUID), nil, "plugin protocol violation: header field set 0x8"},
		{"value only, four strings", uint32(renderers.FieldValue),
			&proto.Batch{Types: []proto.IndicatorType{proto.IndicatorType_INDICATOR_TYPE_IPV4}, Lengths: []uint32{1, 0, 0, 0}, Text: []byte("a")},
			"plugin protocol violation: batch columns of 1 types, 0 event ids, 0 timestamps, 0 to_ids and 4 lengths for fields 0x1"},
		{"timestamps missing", uint32(renderers.FieldValue | renderers.FieldTimestamp),
			&proto.Batch{Types: []proto.IndicatorType{proto.IndicatorType_INDICATOR_TYPE_IPV4}, Lengths: []uint32{1}, Text: []byte("a")},
			"plugin protocol violation: batch columns of 1 types, 0 event ids, 0 timestamps, 0 to_ids and 1 lengths for fields 0x21"},
		{"event ids not declared", uint32(renderers.FieldValue),
			&proto.Batch{Types: []proto.IndicatorType{proto.IndicatorType_INDICATOR_TYPE_IPV4}, EventIds: []int64{7}, Lengths: []uint32{1}, Text: []byte("a")},
			"plugin protocol violation: batch columns of 1 types, 1 event ids, 0 timestamps, 0 to_ids and 1 lengths for fields 0x1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream, err := c.rpc.Render(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			msgs := []*proto.RenderInput{{Msg: &proto.RenderInput_Header{Header: &proto.Header{Fields: tt.fields}}}}
			if tt.batch != nil {
				msgs = append(msgs, &proto.RenderInput{Msg: &proto.RenderInput_Batch{Batch: tt.batch}},
					&proto.RenderInput{Msg: &proto.RenderInput_End{End: &proto.End{Count: 1}}})
			}
			for _, m := range msgs {
				// The plugin may end the stream on the first bad message;
				// Send then reports io.EOF and Recv carries the status.
				if err := stream.Send(m); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					t.Fatal(err)
				}
			}
			_ = stream.CloseSend()
			var status *proto.Status
			for {
				out, err := stream.Recv()
				if err != nil {
					break
				}
				if s := out.GetStatus(); s != nil {
					status = s
				}
			}
			if status == nil || !strings.Contains(status.GetError(), tt.want) {
				t.Fatalf("status %v, want an error containing %q", status, tt.want)
			}
		})
	}
}

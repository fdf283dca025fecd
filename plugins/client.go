package plugins

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"slices"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/plugins/proto"
	"github.com/cratos-project/cratos/renderers"
	"google.golang.org/grpc"
)

// callTimeout bounds the unary calls (Info, ValidateOptions).
const callTimeout = 30 * time.Second

// Client is the host side of the bridge: a renderers.Renderer (and
// renderers.OptionValidator) whose work is done by a plugin at the other end
// of a gRPC connection. It holds no process; Launch adds process management.
// A Client is safe for concurrent use.
type Client struct {
	rpc  proto.RendererClient
	info renderers.Info
}

var (
	_ renderers.Renderer        = (*Client)(nil)
	_ renderers.OptionValidator = (*Client)(nil)
)

// NewClient asks the plugin behind conn for its Info and returns a Client
// for it. It refuses an Info naming an indicator type this host does not
// know.
func NewClient(ctx context.Context, conn grpc.ClientConnInterface) (*Client, error) {
	return newClient(ctx, proto.NewRendererClient(conn))
}

func newClient(ctx context.Context, rpc proto.RendererClient) (*Client, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	resp, err := rpc.Info(ctx, &proto.InfoRequest{})
	if err != nil {
		return nil, fmt.Errorf("plugins: info: %w", err)
	}
	info := renderers.Info{
		Name:        resp.GetName(),
		Description: resp.GetDescription(),
		ContentType: resp.GetContentType(),
		Extension:   resp.GetExtension(),
		Reads:       renderers.Fields(resp.GetReads()),
	}
	if info.Name == "" {
		return nil, protocolErrorf("info has an empty name")
	}
	if r := resp.GetReads(); r != uint32(info.Reads) || info.Reads&^renderers.AllFields != 0 {
		return nil, protocolErrorf("info of %s declares unknown fields %#x", info.Name, r)
	}
	for _, name := range resp.GetTypes() {
		t, err := indicator.ParseType(name)
		if err != nil {
			return nil, fmt.Errorf("plugins: info of %s: %w", info.Name, err)
		}
		info.Types = append(info.Types, t)
	}
	for _, o := range resp.GetOptions() {
		info.Options = append(info.Options, optionFromWire(o))
	}
	return &Client{rpc: rpc, info: info}, nil
}

// Info returns the plugin's Info, as it answered when the Client was made.
func (c *Client) Info() renderers.Info {
	info := c.info
	info.Types = slices.Clone(info.Types)
	info.Options = slices.Clone(info.Options)
	return info
}

// ValidateOptions asks the plugin to check opts.
func (c *Client) ValidateOptions(opts map[string]string) error {
	return c.validateOptions(context.Background(), opts)
}

func (c *Client) validateOptions(ctx context.Context, opts map[string]string) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	resp, err := c.rpc.ValidateOptions(ctx, &proto.ValidateOptionsRequest{Options: opts})
	if err != nil {
		return fmt.Errorf("plugins: validate options: %w", err)
	}
	if msg := resp.GetError(); msg != "" {
		return newRemoteError(msg)
	}
	return nil
}

// Render streams in to the plugin and writes its output to w chunk by chunk
// as it arrives; drop reports go to req.Drop. It returns the plugin's error
// or the first write error of w; once ctx has ended, its cause (the stream
// is then cancelled, and what the plugin answers to its input cut short is
// no error of its own). in is ranged over once, on another goroutine, and
// no longer once Render has returned.
func (c *Client) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	_, err := c.render(ctx, ctx, w, req, in, nil)
	return err
}

// render is Render whose stream lasts until limit ends rather than ctx,
// for a limit that ends no earlier than ctx. When ctx ends first and the
// plugin has not answered yet, render returns at once, as Render does,
// with watched true: the stream stays open, the plugin's input cut short,
// what it still writes is read and thrown away, and once its output ends
// or limit ends, abandoned is called on another goroutine with the outcome
// (nil when the plugin answered, its own error, or why it never answered).
func (c *Client) render(ctx, limit context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator], abandoned func(error)) (watched bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("plugins: render %s: %w", c.info.Name, context.Cause(ctx))
	}
	// The stream gets no deadline of its own, so that the plugin cannot end
	// it first and make a timeout look like a plugin failure: it is
	// cancelled when limit ends.
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stopCancel := context.AfterFunc(limit, cancel)
	endStream := func() { stopCancel(); cancel() }
	stream, err := c.rpc.Render(sctx)
	if err != nil {
		endStream()
		return false, c.streamErr(ctx, "open stream", err)
	}
	// stop ends the input when ctx ends or the output is over.
	stop, stopInput := context.WithCancel(ctx)
	defer stopInput()
	sent := make(chan sendResult, 1)
	go func() { sent <- sendInput(stop, startInput(stream), req, c.info.Reads.Declared(), in) }()
	out := &callerOutput{w: w, req: req}
	received := make(chan error, 1)
	go func() { received <- c.receive(limit, stream, out) }()

	answered := false
	select {
	case err = <-received:
		answered = true
	case <-ctx.Done():
		out.abandon()
	}
	stopInput()
	res := <-sent // at once: the sender waits on the plugin no longer
	switch {
	case answered, abandoned == nil, limit.Err() != nil, res.panicked:
		endStream() // stops the sender if it is still at work
		if !answered {
			err = <-received
		}
	default:
		watched = true
		go func() {
			err := <-received
			endStream()
			abandoned(err)
		}()
	}
	if res.panicked {
		panic(res.panicValue)
	}
	if res.err != nil {
		return watched, res.err
	}
	if cause := context.Cause(ctx); cause != nil && (err != nil || !answered) && !errors.Is(err, cause) {
		// Once ctx has ended the sender stops and ends the input, and the
		// plugin may answer that (an input cut short) before the stream's
		// cancellation reaches receive: the cancellation is what happened.
		// An answer read after ctx ended is no success either: its output
		// never reached w.
		return watched, fmt.Errorf("plugins: render %s: %w", c.info.Name, cause)
	}
	return false, err
}

// receive reads the plugin's output until the end of the stream.
func (c *Client) receive(ctx context.Context, stream proto.Renderer_RenderClient, out *callerOutput) error {
	var (
		status *proto.Status
		drops  dropBounds
	)
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return c.streamErr(ctx, "receive output", err)
		}
		if status != nil {
			return protocolErrorf("%T after the final status", msg.GetMsg())
		}
		switch m := msg.GetMsg().(type) {
		case *proto.RenderOutput_Chunk:
			if len(m.Chunk) > MaxChunk {
				return protocolErrorf("output chunk of %d bytes (limit %d)", len(m.Chunk), MaxChunk)
			}
			if err := out.write(m.Chunk); err != nil {
				return &outputError{err: err}
			}
		case *proto.RenderOutput_Drop:
			n := m.Drop.GetCount()
			if n <= 0 || int64(int(n)) != n {
				return protocolErrorf("drop report of %d entries", n)
			}
			if err := drops.add(m.Drop.GetReason(), n); err != nil {
				return err
			}
			out.drop(m.Drop.GetReason(), int(n))
		case *proto.RenderOutput_Status:
			status = m.Status
		default:
			return protocolErrorf("unexpected %T in the output", msg.GetMsg())
		}
	}
	if status == nil {
		return protocolErrorf("output ended without a status")
	}
	if msg := status.GetError(); msg != "" {
		return newRemoteError(msg)
	}
	return nil
}

// dropBounds checks the drop reports of one render: each reason is kept
// with its count until the list is served, and all of them go into one
// response header, so their number and length are bounded like the
// output's chunks.
type dropBounds struct {
	reasons map[string]struct{}
	total   int64
}

func (d *dropBounds) add(reason string, n int64) error {
	if len(reason) > renderers.MaxDropReason {
		return protocolErrorf("drop reason of %d bytes (limit %d)", len(reason), renderers.MaxDropReason)
	}
	if _, seen := d.reasons[reason]; !seen {
		if len(d.reasons) == renderers.MaxDropReasons {
			return protocolErrorf("drop reports with more than %d reasons", renderers.MaxDropReasons)
		}
		if d.reasons == nil {
			d.reasons = make(map[string]struct{})
		}
		d.reasons[reason] = struct{}{}
	}
	if n > math.MaxInt-d.total {
		return protocolErrorf("drop reports of more than %d entries", math.MaxInt)
	}
	d.total += n
	return nil
}

// streamErr reports a gRPC failure, or the cause of ctx when ctx ended it.
func (c *Client) streamErr(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("plugins: render %s: %s: %w", c.info.Name, op, context.Cause(ctx))
	}
	return fmt.Errorf("plugins: render %s: %s: %w", c.info.Name, op, err)
}

type sendResult struct {
	err        error
	panicked   bool
	panicValue any
}

// sendInput sends the header, the indicators' fields in batches, and the
// end marker. A failed send means the stream is over (the plugin finished
// early, failed, or ctx ended); the receiver learns why, so it is not an
// error here. Once ctx has ended no further indicator is taken from in and
// sendInput returns at once, without the end marker, even while a batch
// waits for the plugin to read it; the header goes out all the same. The batch message and its slices are
// reused: a message is encoded once it is sent.
func sendInput(ctx context.Context, stream *inputPipe, req renderers.Request, fields renderers.Fields, in iter.Seq[indicator.Indicator]) (res sendResult) {
	defer func() {
		if p := recover(); p != nil {
			res = sendResult{panicked: true, panicValue: p}
		}
	}()
	defer stream.close()

	h := &proto.Header{Site: req.Site, Feed: req.Feed, DataType: req.DataType, Options: req.Options, Fields: uint32(fields), Serial: req.Serial, Age: req.Age}
	encodeTime(h, req.Generated)
	done := ctx.Done()
	if !stream.sendFirst(done, &proto.RenderInput{Msg: &proto.RenderInput_Header{Header: h}}) {
		return res
	}

	var (
		batch = &proto.Batch{
			Types:      make([]proto.IndicatorType, 0, BatchSize),
			EventIds:   make([]int64, 0, column(BatchSize, fields, renderers.FieldEventID)),
			Timestamps: make([]int64, 0, column(BatchSize, fields, renderers.FieldTimestamp)),
			ToIds:      make([]bool, 0, column(BatchSize, fields, renderers.FieldToIDS)),
			Lengths:    make([]uint32, 0, stringFields(fields)*BatchSize),
		}
		msg   = &proto.RenderInput{Msg: &proto.RenderInput_Batch{Batch: batch}}
		count uint64
	)
	flush := func() bool {
		if len(batch.Types) == 0 {
			return true
		}
		if !stream.send(done, msg) {
			return false // the batch may still be on its way
		}
		batch.Types, batch.EventIds, batch.Timestamps = batch.Types[:0], batch.EventIds[:0], batch.Timestamps[:0]
		batch.ToIds, batch.Lengths, batch.Text = batch.ToIds[:0], batch.Lengths[:0], batch.Text[:0]
		return true
	}
	addString := func(field renderers.Fields, v string) {
		if fields&field != 0 {
			batch.Lengths = append(batch.Lengths, uint32(len(v)))
			batch.Text = append(batch.Text, v...)
		}
	}
	for x := range in {
		select {
		case <-done:
			return res
		default:
		}
		wt := typeToWire[x.Type]
		if wt == proto.IndicatorType_INDICATOR_TYPE_INVALID {
			res.err = &inputError{t: x.Type}
			return res
		}
		batch.Types = append(batch.Types, wt)
		addString(renderers.FieldValue, x.Value)
		addString(renderers.FieldMISPType, x.MISPType)
		addString(renderers.FieldCategory, x.Category)
		addString(renderers.FieldUUID, x.UUID)
		if fields&renderers.FieldEventID != 0 {
			batch.EventIds = append(batch.EventIds, x.EventID)
		}
		if fields&renderers.FieldTimestamp != 0 {
			batch.Timestamps = append(batch.Timestamps, x.Timestamp)
		}
		if fields&renderers.FieldToIDS != 0 {
			batch.ToIds = append(batch.ToIds, x.ToIDS)
		}
		count++
		if (len(batch.Types) == BatchSize || len(batch.Text) >= batchBytes) && !flush() {
			return res
		}
	}
	if !flush() {
		return res
	}
	_ = stream.send(done, &proto.RenderInput{Msg: &proto.RenderInput_End{End: &proto.End{Count: count}}})
	return res
}

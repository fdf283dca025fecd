package plugins

import (
	"io"
	"sync"

	"github.com/cratos-project/cratos/plugins/proto"
	"github.com/cratos-project/cratos/renderers"
)

// inputPipe sends a render's input to the plugin on a goroutine of its
// own, so that the goroutine ranging over the caller's input never waits
// on the plugin's flow control once the render stops: a plugin that reads
// no input holds a Send until its stream ends, which may be long after
// the caller has given up.
type inputPipe struct {
	msgs chan *proto.RenderInput
	acks chan error
}

// startInput starts the goroutine sending on stream; it ends the input
// (CloseSend) once close is called and the message in hand is sent.
func startInput(stream proto.Renderer_RenderClient) *inputPipe {
	p := &inputPipe{msgs: make(chan *proto.RenderInput), acks: make(chan error, 1)}
	go func() {
		defer func() { _ = stream.CloseSend() }()
		for m := range p.msgs {
			p.acks <- stream.Send(m)
		}
	}()
	return p
}

// send sends m and reports whether it went out; m may change once it
// has. It gives up when done is closed, leaving m to the sending
// goroutine.
func (p *inputPipe) send(done <-chan struct{}, m *proto.RenderInput) bool {
	select {
	case p.msgs <- m:
	case <-done:
		return false
	}
	return p.sent(done)
}

// sendFirst is send for the stream's first message, which goes out even
// when done is closed already: a stream ended with no header is a broken
// stream to the plugin, not an input cut short it can answer.
func (p *inputPipe) sendFirst(done <-chan struct{}, m *proto.RenderInput) bool {
	p.msgs <- m // at once: the sending goroutine waits for it
	return p.sent(done)
}

// sent waits until the message handed over has gone out, or done is
// closed.
func (p *inputPipe) sent(done <-chan struct{}) bool {
	select {
	case err := <-p.acks:
		return err == nil
	case <-done:
		return false
	}
}

// close ends the input after the message in hand.
func (p *inputPipe) close() { close(p.msgs) }

// callerOutput is where a render's output and drop reports go: the
// caller's writer and Request.Drop until the caller gives up, nowhere
// after.
type callerOutput struct {
	mu   sync.Mutex
	w    io.Writer
	req  renderers.Request
	gone bool
}

func (o *callerOutput) write(b []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.gone {
		return nil
	}
	_, err := o.w.Write(b)
	return err
}

func (o *callerOutput) drop(reason string, n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.gone {
		o.req.Drop(reason, n)
	}
}

// abandon stops the output reaching the caller; it returns once a write
// or drop report under way has ended.
func (o *callerOutput) abandon() {
	o.mu.Lock()
	o.gone = true
	o.mu.Unlock()
}

package server

import (
	"net"
	"sync"

	"github.com/valyala/fasthttp"
)

// An answer's header and the start of its body leave fasthttp's write
// buffer in one write and the rest of the body in a second. On a socket
// each write is a segment of its own that the client wakes up for; a
// list of a few dozen KiB takes a third more CPU to send in two. A limitConn
// told the size of the body it is about to carry holds the first write
// and sends it with the next in one writev, as nginx's tcp_nopush joins
// its header and file.

// maxHeld bounds what a connection holds back: more than one write
// buffer's worth is sent at once.
const maxHeld = 64 << 10

// heldBuffers lends connections the room they hold writes in while they
// do, so that an idle connection keeps none.
var heldBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// holdAnswer tells the connection of ctx that an answer with body
// follows, which it may send from the body's answer file. Nothing happens
// on a connection that is not a limitConn (tests, other listeners).
func holdAnswer(ctx *fasthttp.RequestCtx, body []byte) {
	if ctx.IsHead() {
		return // no body goes out
	}
	if c, ok := ctx.Conn().(*limitConn); ok {
		c.announce(body)
	}
}

// announce makes the writes that follow wait until body is complete, and
// lets the connection send body's bytes from its answer file.
func (c *limitConn) announce(body []byte) { c.holdUntil(len(body), c.l.files.of(body)) }

// holdUntil makes the writes that follow wait until together they reach
// n bytes more than are held now, and then leave in one system call, or
// from file for the bytes that lie within its body (file may be nil).
// Whatever is held when the connection is read or closed goes out first,
// so an answer shorter than announced is only sent later, never lost.
func (c *limitConn) holdUntil(n int, file *answerFile) {
	c.wmu.Lock()
	c.want = len(c.held()) + n
	c.file = file
	c.holding.Store(true)
	c.wmu.Unlock()
}

func (c *limitConn) held() []byte {
	if c.hold == nil {
		return nil
	}
	return *c.hold
}

// Write sends b, or holds it while an announced answer is incomplete.
func (c *limitConn) Write(b []byte) (int, error) {
	if !c.holding.Load() {
		return c.write(b)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if held := len(c.held()); held+len(b) < c.want && held+len(b) <= maxHeld {
		if c.hold == nil {
			c.hold = heldBuffers.Get().(*[]byte)
		}
		*c.hold = append(*c.hold, b...)
		return len(b), nil
	}
	return c.sendHeld(b)
}

// sendHeld sends what is held followed by b in one system call, or b
// from the answer's file when it lies within its body, and stops holding.
// It returns how much of b was sent. Called with wmu held.
func (c *limitConn) sendHeld(b []byte) (int, error) {
	c.want = 0
	c.holding.Store(false)
	file := c.file
	c.file = nil
	if off, ok := file.covers(b); ok {
		if n, sent, err := sendFromFile(c.sock, c.held(), file.f, off, len(b)); sent {
			c.releaseHold()
			return n, err
		}
	}
	if c.hold == nil {
		if len(b) == 0 {
			return 0, nil
		}
		return c.write(b)
	}
	held := len(*c.hold)
	var (
		n   int
		err error
	)
	if c.sock != nil {
		n, err = c.sock.writev(*c.hold, b)
	} else {
		first := b[:min(len(b), connChunk)]
		bufs := net.Buffers{*c.hold, first}
		var sent int64
		sent, err = bufs.WriteTo(c.Conn)
		if n = int(sent); n > 0 {
			c.progressed()
		}
		if err == nil && len(first) < len(b) {
			var m int
			m, err = c.writeConn(b[len(first):])
			n += m
		}
	}
	c.releaseHold()
	return max(n-held, 0), err
}

// write sends b on the socket, or on Conn when there is none.
func (c *limitConn) write(b []byte) (int, error) {
	if c.sock != nil {
		return c.sock.Write(b)
	}
	return c.writeConn(b)
}

// connChunk is the most one write on Conn is given: each that makes
// progress moves the write deadline on (progressed).
const connChunk = 256 << 10

// writeConn writes b on Conn, connChunk bytes at a time.
func (c *limitConn) writeConn(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := c.Conn.Write(b[n:min(len(b), n+connChunk)])
		n += m
		if m > 0 {
			c.progressed()
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// releaseHold returns the room writes were held in. Called with wmu held.
func (c *limitConn) releaseHold() {
	if c.hold == nil {
		return
	}
	*c.hold = (*c.hold)[:0]
	heldBuffers.Put(c.hold)
	c.hold = nil
}

// flushHeld sends whatever is held.
func (c *limitConn) flushHeld() error {
	if !c.holding.Load() {
		return nil
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.sendHeld(nil)
	return err
}

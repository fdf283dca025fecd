package server

import (
	"sync/atomic"
	"time"
)

// Coarse deadlines. fasthttp sets a connection's deadlines before every
// request it reads and every answer it writes: the idle timeout, the read
// timeout and the write timeout, each a timer moved in the runtime's poller:
// some 550 ns a request, a fiftieth of a 304's CPU time. A limitConn keeps the
// deadline in force when the one asked for lies less than deadlineSlack after
// it: the connection then times out up to deadlineSlack before it was
// asked to, never after, and a deadline asked earlier (or cleared) is set
// at once.

// The read timeout. A request must arrive whole within readTimeout, and a
// keep-alive connection is closed after readTimeout without one. With the
// idle timeout equal to the read timeout, the read deadline asked before a
// request and the one asked once it starts differ by less than
// deadlineSlack, and one of them stands for both and for the requests that
// follow within the slack. An answer's client may take nothing of it for
// the send timeout (send_timeout_seconds), which each write that makes
// progress starts again (progressed).
const readTimeout = 30 * time.Second

// deadlineSlack is how much earlier than asked a connection may time out;
// the server's timeouts are tens of seconds and more.
const deadlineSlack = time.Second

// deadline is one direction's deadline in force, in Unix nanoseconds
// (0: none).
type deadline struct{ at atomic.Int64 }

// keeps reports whether the deadline in force may stand for t.
func (d *deadline) keeps(t time.Time) bool {
	at := d.at.Load()
	if at == 0 || t.IsZero() {
		return false
	}
	ask := t.UnixNano()
	return ask >= at && ask-at < int64(deadlineSlack)
}

// set records t as the deadline in force.
func (d *deadline) set(t time.Time) {
	if t.IsZero() {
		d.at.Store(0)
		return
	}
	d.at.Store(t.UnixNano())
}

// apply sets t with setConn unless the deadline in force may stand.
func (d *deadline) apply(t time.Time, setConn func(time.Time) error) error {
	if d.keeps(t) {
		return nil
	}
	if err := setConn(t); err != nil {
		return err
	}
	d.set(t)
	return nil
}

// progressed moves the write deadline in force to the send timeout from
// now: a write made progress. The deadline is moved up to deadlineSlack
// late, as any other; a connection without one keeps none.
func (c *limitConn) progressed() {
	if c.wdl.at.Load() == 0 || c.l.sendTimeout <= 0 {
		return
	}
	_ = c.wdl.apply(time.Now().Add(c.l.sendTimeout), c.Conn.SetWriteDeadline)
}

// SetReadDeadline sets the read deadline unless the one in force may stand.
func (c *limitConn) SetReadDeadline(t time.Time) error {
	return c.rdl.apply(t, c.Conn.SetReadDeadline)
}

// SetWriteDeadline sets the write deadline unless the one in force may
// stand.
func (c *limitConn) SetWriteDeadline(t time.Time) error {
	return c.wdl.apply(t, c.Conn.SetWriteDeadline)
}

// SetDeadline sets both deadlines.
func (c *limitConn) SetDeadline(t time.Time) error {
	if c.rdl.keeps(t) && c.wdl.keeps(t) {
		return nil
	}
	if err := c.Conn.SetDeadline(t); err != nil {
		return err
	}
	c.rdl.set(t)
	c.wdl.set(t)
	return nil
}

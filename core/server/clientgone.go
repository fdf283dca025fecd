package server

import (
	"context"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"
)

// clientGonePoll is how often a waiting request checks its connection.
const clientGonePoll = 500 * time.Millisecond

// watchClient returns the request's context, cancelled when the client
// closes its connection while the handler still works, so a list build
// nobody waits for any more is stopped. stop must be called when the
// handler is done.
func (s *Server) watchClient(c *fiber.Ctx) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(c.UserContext())
	conn := c.Context().Conn()
	for {
		u, ok := conn.(interface{ NetConn() net.Conn })
		if !ok {
			break
		}
		conn = u.NetConn()
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(clientGonePoll)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if peerClosed(conn) {
					cancel()
					return
				}
			}
		}
	}()
	return ctx, func() { close(done); cancel() }
}

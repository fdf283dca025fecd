package plugins

import (
	"context"
	"fmt"
	"net"

	"github.com/cratos-project/cratos/plugins/proto"
	"github.com/cratos-project/cratos/renderers"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"
)

// Loopback runs r behind the plugin bridge inside this process: a gRPC
// server on an in-memory connection serves NewServer(r) and the returned
// Client talks to it, with the same protocol, message sizes and flow control
// as a plugin process but no process, handshake or TLS. The Client's output
// and drop reports must equal r's own; bridge.Check (conformance/bridge) asserts that.
// Call stop when done.
func Loopback(ctx context.Context, r renderers.Renderer) (c *Client, stop func(), err error) {
	lis := bufconn.Listen(1 << 20)
	srv := newGRPCServer(nil)
	proto.RegisterRendererServer(srv, NewServer(r))
	go func() { _ = srv.Serve(lis) }()
	conn, err := grpc.NewClient("passthrough:///loopback", append(dialOptions(),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		srv.Stop()
		return nil, nil, fmt.Errorf("plugins: loopback: %w", err)
	}
	stop = func() {
		_ = conn.Close()
		srv.Stop()
	}
	c, err = NewClient(ctx, conn)
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("plugins: loopback: %w", err)
	}
	return c, stop, nil
}

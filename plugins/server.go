package plugins

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"slices"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/experimental"

	"github.com/cratos-project/cratos/internal/version"
	"github.com/cratos-project/cratos/plugins/proto"
	"github.com/cratos-project/cratos/renderers"
)

// Serve serves r as a plugin over go-plugin and gRPC; it is the whole main
// of a plugin program. It returns only when the host ends the plugin, and
// exits with status 1 when started by hand rather than by Cratos; run with
// --version, it prints the renderer's name and the plugin's version and
// returns.
//
// Render calls arrive concurrently, one per request. A panic inside Render
// fails that request with an error and is logged to stderr with its stack;
// the plugin keeps serving. The input sequence passed to Render streams from
// the host and can be ranged over once.
func Serve(r renderers.Renderer) {
	if slices.Contains(os.Args[1:], "--version") {
		fmt.Println(r.Info().Name, version.String())
		return
	}
	if err := checkInfo(r.Info()); err != nil {
		fmt.Fprintf(os.Stderr, "plugins: serve: %v\n", err)
		os.Exit(1)
	}
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         goplugin.PluginSet{PluginKey: &grpcPlugin{impl: r}},
		GRPCServer:      newGRPCServer,
		Logger: hclog.New(&hclog.LoggerOptions{
			Name:   "go-plugin",
			Level:  hclog.Warn,
			Output: os.Stderr,
		}),
	})
}

func newGRPCServer(opts []grpc.ServerOption) *grpc.Server {
	opts = append(opts, grpc.MaxRecvMsgSize(maxMessage),
		grpc.InitialWindowSize(window), grpc.InitialConnWindowSize(window),
		grpc.WriteBufferSize(ioBuffer), grpc.ReadBufferSize(ioBuffer),
		experimental.BufferPool(sharedPool), grpc.ForceServerCodecV2(codec{}))
	return grpc.NewServer(opts...)
}

// dialOptions are the host's gRPC options, matching newGRPCServer.
func dialOptions() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessage), grpc.MaxCallSendMsgSize(maxMessage),
			grpc.ForceCodecV2(codec{})),
		grpc.WithInitialWindowSize(window), grpc.WithInitialConnWindowSize(window),
		grpc.WithWriteBufferSize(ioBuffer), grpc.WithReadBufferSize(ioBuffer),
		experimental.WithBufferPool(sharedPool),
	}
}

// checkInfo rejects an Info the host could not use.
func checkInfo(info renderers.Info) error {
	if err := info.Validate(); err != nil {
		return fmt.Errorf("renderer %q: %w", info.Name, err)
	}
	for _, t := range info.Types {
		if typeToWire[t] == proto.IndicatorType_INDICATOR_TYPE_INVALID {
			return fmt.Errorf("renderer %s: type %v cannot cross the plugin protocol", info.Name, t)
		}
	}
	if info.Reads&^renderers.AllFields != 0 {
		return fmt.Errorf("renderer %s: Reads %#x holds unknown field bits", info.Name, uint8(info.Reads))
	}
	return nil
}

// grpcPlugin is the go-plugin glue: the server side registers the Renderer
// service for impl, the client side returns the raw gRPC client.
type grpcPlugin struct {
	goplugin.NetRPCUnsupportedPlugin
	impl renderers.Renderer
}

func (p *grpcPlugin) GRPCServer(_ *goplugin.GRPCBroker, s *grpc.Server) error {
	proto.RegisterRendererServer(s, NewServer(p.impl))
	return nil
}

func (p *grpcPlugin) GRPCClient(_ context.Context, _ *goplugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return proto.NewRendererClient(c), nil
}

// server implements the Renderer service for a renderers.Renderer.
type server struct {
	proto.UnimplementedRendererServer
	r    renderers.Renderer
	info *proto.InfoResponse
}

// NewServer returns the gRPC Renderer service for r, for hosting it on a
// gRPC server of one's own; Serve and Loopback use it.
func NewServer(r renderers.Renderer) proto.RendererServer {
	info := r.Info()
	resp := &proto.InfoResponse{
		Name:        info.Name,
		Description: info.Description,
		ContentType: info.ContentType,
		Extension:   info.Extension,
		Reads:       uint32(info.Reads),
	}
	for _, t := range info.Types {
		resp.Types = append(resp.Types, t.String())
	}
	for _, o := range info.Options {
		resp.Options = append(resp.Options, optionToWire(o))
	}
	return &server{r: r, info: resp}
}

func (s *server) Info(context.Context, *proto.InfoRequest) (*proto.InfoResponse, error) {
	return s.info, nil
}

func (s *server) ValidateOptions(_ context.Context, req *proto.ValidateOptionsRequest) (resp *proto.ValidateOptionsResponse, _ error) {
	defer func() {
		if p := recover(); p != nil {
			logPanic(p)
			resp = &proto.ValidateOptionsResponse{Error: fmt.Sprintf("renderer %s: validate options panicked: %v", s.info.Name, p)}
		}
	}()
	opts := req.GetOptions()
	if opts == nil {
		opts = map[string]string{}
	}
	if err := renderers.ValidateOptions(s.r, opts); err != nil {
		return &proto.ValidateOptionsResponse{Error: err.Error()}, nil
	}
	return &proto.ValidateOptionsResponse{}, nil
}

func (s *server) Render(stream proto.Renderer_RenderServer) error {
	first, err := stream.Recv()
	if err != nil {
		return fmt.Errorf("plugins: render: receive header: %w", err)
	}
	h := first.GetHeader()
	if h == nil {
		return stream.Send(statusMsg(protocolErrorf("first message is %T, not a header", first.GetMsg())))
	}
	fields, err := sentFields(h.GetFields())
	if err != nil {
		return stream.Send(statusMsg(err))
	}
	sess := &session{stream: stream, fields: fields}
	req := renderers.Request{
		Site:      h.GetSite(),
		Feed:      h.GetFeed(),
		DataType:  h.GetDataType(),
		Age:       h.GetAge(),
		Generated: decodeTime(h),
		Serial:    h.GetSerial(),
		Options:   h.GetOptions(),
		Dropped:   sess.drop,
	}
	if req.Options == nil {
		req.Options = map[string]string{}
	}
	err = s.render(stream.Context(), sess, req)
	if ferr := sess.flush(); err == nil {
		err = ferr
	}
	if err == nil {
		err = sess.inErr
	}
	if sess.sendErr != nil {
		// The host is gone or the stream broke: nobody is left to tell.
		return fmt.Errorf("plugins: render: send output: %w", sess.sendErr)
	}
	return sess.send(statusMsg(err))
}

// render runs the renderer, turning a panic into an error.
func (s *server) render(ctx context.Context, sess *session, req renderers.Request) (err error) {
	defer func() {
		if p := recover(); p != nil {
			logPanic(p)
			err = fmt.Errorf("renderer %s panicked: %v", s.info.Name, p)
		}
	}()
	return s.r.Render(ctx, sess, req, sess.input())
}

func logPanic(p any) {
	fmt.Fprintf(os.Stderr, "plugins: recovered panic: %v\n%s", p, debug.Stack())
}

func statusMsg(err error) *proto.RenderOutput {
	st := &proto.Status{}
	if err != nil {
		st.Error = err.Error()
	}
	return &proto.RenderOutput{Msg: &proto.RenderOutput_Status{Status: st}}
}

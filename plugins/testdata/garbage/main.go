// Command garbage is a test plugin that speaks gRPC but breaks the Render
// protocol in the way the request's feed names.
package main

import (
	"context"
	"strings"

	"github.com/cratos-project/cratos/plugins"
	"github.com/cratos-project/cratos/plugins/proto"
	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

type server struct {
	proto.UnimplementedRendererServer
}

func (server) Info(context.Context, *proto.InfoRequest) (*proto.InfoResponse, error) {
	return &proto.InfoResponse{Name: "garbage", ContentType: "text/plain", Extension: ".txt", Types: []string{"ipv4"}}, nil
}

func (server) ValidateOptions(context.Context, *proto.ValidateOptionsRequest) (*proto.ValidateOptionsResponse, error) {
	return &proto.ValidateOptionsResponse{}, nil
}

func chunk(b []byte) *proto.RenderOutput {
	return &proto.RenderOutput{Msg: &proto.RenderOutput_Chunk{Chunk: b}}
}

func status(msg string) *proto.RenderOutput {
	return &proto.RenderOutput{Msg: &proto.RenderOutput_Status{Status: &proto.Status{Error: msg}}}
}

func (server) Render(stream proto.Renderer_RenderServer) error {
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	var out []*proto.RenderOutput
	switch first.GetHeader().GetFeed() {
	case "chunk-after-status":
		out = []*proto.RenderOutput{chunk([]byte("a\n")), status(""), chunk([]byte("b\n"))}
	case "two-statuses":
		out = []*proto.RenderOutput{status(""), status("")}
	case "oversized-chunk":
		out = []*proto.RenderOutput{chunk([]byte(strings.Repeat("x", plugins.MaxChunk+1))), status("")}
	case "no-status":
		out = []*proto.RenderOutput{chunk([]byte("a\n"))}
	case "empty-message":
		out = []*proto.RenderOutput{{}, status("")}
	case "bad-drop":
		out = []*proto.RenderOutput{{Msg: &proto.RenderOutput_Drop{Drop: &proto.Drop{Reason: "x", Count: -5}}}, status("")}
	default:
		out = []*proto.RenderOutput{chunk([]byte("ok\n")), status("")}
	}
	for _, m := range out {
		if err := stream.Send(m); err != nil {
			return err
		}
	}
	return nil
}

type rawPlugin struct {
	goplugin.NetRPCUnsupportedPlugin
}

func (rawPlugin) GRPCServer(_ *goplugin.GRPCBroker, s *grpc.Server) error {
	proto.RegisterRendererServer(s, server{})
	return nil
}

func (rawPlugin) GRPCClient(context.Context, *goplugin.GRPCBroker, *grpc.ClientConn) (any, error) {
	return nil, nil
}

func main() {
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig: plugins.Handshake,
		Plugins:         goplugin.PluginSet{plugins.PluginKey: rawPlugin{}},
		GRPCServer:      goplugin.DefaultGRPCServer,
	})
}

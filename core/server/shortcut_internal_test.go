package server

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/cratos-project/cratos/core/auth"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/renderers"
)

// TestShortcutPanicIsA500: a panic in the shortcut (here: no export
// service to look the list up in) is answered with the recoverer's 500
// and logged, and the server goes on.
func TestShortcutPanicIsA500(t *testing.T) {
	codec := auth.NewCodec(strings.Repeat("0123456789ABCDEF", 4), strings.Repeat("0123456789abcdef", 2))
	token, err := codec.Mint(auth.Claims{Proto: "http", Host: "misp.test", Port: 80, Key: strings.Repeat("k", 40), Expires: "2099-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := codec.VerifyToken(token, time.Now()); err != nil {
		t.Fatal(err)
	}
	logger, logs := testtool.JSONLogger()
	loopback, err := config.ParsePrefix("127.0.0.1/32")
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{Config: &config.Config{AlwaysAllowedIPs: config.Prefixes{loopback}}, Sites: config.NewSites(&config.Site{Name: "misp.test"}),
		Codec: codec, Logger: logger, Renderers: renderers.Builtin()})
	const uri = "/v1/feed/block/type/ipv4/age/1y/output/txt"
	s.targets.put(uri, &listTarget{req: export.Request{Kind: export.KindFeed, Feed: "block", Age: "1y", Output: "txt"},
		route: "/v1/feed/:feedName/type/:dataType/age/:dataAge/output/:output", path: uri, logPath: uri})
	var req fasthttp.Request
	req.Header.SetMethod("GET")
	req.SetRequestURI(uri)
	req.Header.Set("token", token)
	var ctx fasthttp.RequestCtx
	ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
	s.handle(&ctx)
	if got := ctx.Response.StatusCode(); got != 500 || string(ctx.Response.Body()) != `{"detail":"internal error"}` {
		t.Errorf("answer %d %s", got, ctx.Response.Body())
	}
	if recs := logs.Records("panic"); len(recs) != 1 || strings.Contains(logs.String(), token) {
		t.Errorf("log: %s", logs.String())
	}
}

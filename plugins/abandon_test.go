package plugins

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/cratos-project/cratos/plugins/proto"
	"github.com/cratos-project/cratos/renderers"
)

// renderGivingUp renders feed through p for a caller that gives up after
// wait, and checks that the caller hears of its own deadline.
func renderGivingUp(t *testing.T, p *Plugin, feed string, wait time.Duration) {
	t.Helper()
	giveUp(t, p, renderers.Request{Site: "misp.example", Feed: feed}, wait)
}

// giveUp is renderGivingUp for any request.
func giveUp(t *testing.T, p *Plugin, req renderers.Request, wait time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	var buf bytes.Buffer
	err := p.Renderer().Render(ctx, &buf, req, renderers.Slice(ips(3)))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("render of %s/%s given up: %v, want the caller's deadline", req.Site, req.Feed, err)
	}
}

// waitIdle waits until no call is under way on any process of p.
func waitIdle(t *testing.T, p *Plugin) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		p.mu.Lock()
		idle := len(p.retired) == 0 && (p.cur == nil || p.cur.calls == 0)
		p.mu.Unlock()
		if idle {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("calls still under way on the plugin after a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestHungPluginRestartedWhenCallersGiveUp: every caller of a hung plugin
// gives up before the render deadline, as a device with a short HTTP
// timeout does. The plugin is retired all the same once the deadline
// passes, and the next render runs on a new process.
func TestHungPluginRestartedWhenCallersGiveUp(t *testing.T) {
	t.Parallel() // it mostly waits for its plugin's slow or hung renders: beside the other tests that do
	p, rec := launch(t, Config{Name: "faulty", Path: binary(t, "faulty"), RenderTimeout: 3 * time.Second})
	pid := pluginPid(p)
	for range 3 {
		renderGivingUp(t, p, "hang", 300*time.Millisecond)
	}
	rec.waitFor(t, map[string]string{"msg": "plugin failed; it starts again at the next request", "plugin": "faulty"})
	waitIdle(t, p)
	out, err := render(p.Renderer(), "ok", ips(2))
	if err != nil || out != "198.51.0.0\n198.51.0.1\n" {
		t.Fatalf("render after the hang: %q, %v", out, err)
	}
	if got := pluginPid(p); got == pid || p.Restarts() != 1 {
		t.Errorf("pid %d (was %d), %d restarts: want a new process, 1 restart", got, pid, p.Restarts())
	}
	if alive(pid) {
		deadline := time.Now().Add(time.Minute)
		for alive(pid) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if alive(pid) {
			t.Errorf("the hung process %d still runs", pid)
		}
	}
}

// TestSlowPluginKeptWhenCallerGivesUp: a plugin that answers within the
// render deadline, after its caller gave up, is healthy and keeps
// running.
func TestSlowPluginKeptWhenCallerGivesUp(t *testing.T) {
	t.Parallel() // it mostly waits for its plugin's slow or hung renders: beside the other tests that do
	p, rec := launch(t, Config{Name: "faulty", Path: binary(t, "faulty"), RenderTimeout: time.Minute})
	pid := pluginPid(p)
	renderGivingUp(t, p, "slow", 200*time.Millisecond)
	waitIdle(t, p)
	if out, err := render(p.Renderer(), "ok", ips(1)); err != nil || out != "198.51.0.0\n" {
		t.Fatalf("render after the slow one: %q, %v", out, err)
	}
	if got := pluginPid(p); got != pid || p.Restarts() != 0 {
		t.Errorf("pid %d (was %d), %d restarts: want the same process", got, pid, p.Restarts())
	}
	if n := rec.count(map[string]string{"msg": "plugin failed; it starts again at the next request"}); n != 0 {
		t.Errorf("%d failures logged for a plugin that answered", n)
	}
}

// TestAbandonedRendersLeaveNothingBehind: many renders given up on, by a
// plugin that hangs and one that answers late, leave no goroutine or
// descriptor of the service behind once the plugin has answered or been
// restarted.
func TestAbandonedRendersLeaveNothingBehind(t *testing.T) {
	p, _ := launch(t, Config{Name: "faulty", Path: binary(t, "faulty"), RenderTimeout: 5 * time.Second})
	settle := func() (goroutines, fds int) {
		waitIdle(t, p)
		if _, err := render(p.Renderer(), "ok", ips(1)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		return runtime.NumGoroutine(), openFiles(t)
	}
	g0, fd0 := settle()
	for round := range 2 {
		for _, feed := range []string{"hang", "slow", "hang", "slow"} {
			for range 5 {
				renderGivingUp(t, p, feed, 100*time.Millisecond)
			}
		}
		deadline := time.Now().Add(time.Minute)
		for {
			g, fd := settle()
			if g <= g0+2 && fd <= fd0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: %d goroutines and %d descriptors, were %d and %d", round, g, fd, g0, fd0)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
}

// openFiles counts this process's open descriptors.
func openFiles(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	return len(fds)
}

// TestRenderGivenUpAtOnceGetsThePluginsAnswer: a caller that gives up
// while the stream opens, before its header has gone out, leaves a
// render the plugin answers all the same, its input cut short. Before,
// the stream sometimes ended with no header, the plugin failed it as a
// broken stream, and a healthy plugin was restarted for it.
func TestRenderGivenUpAtOnceGetsThePluginsAnswer(t *testing.T) {
	lc := loopback(t, fakeRenderer{name: "fake", reads: renderers.FieldValue})
	for i := range 20 {
		ctx, cancel := context.WithCancel(context.Background())
		c := &Client{rpc: openedThen{RendererClient: lc.rpc, then: cancel}, info: lc.info}
		outcome := make(chan error, 1)
		watched, err := c.render(ctx, context.Background(), io.Discard, renderers.Request{Feed: "block"}, renderers.Slice(ips(3)),
			func(err error) { outcome <- err })
		if !watched || !errors.Is(err, context.Canceled) {
			t.Fatalf("render %d: watched %v, %v: want watched, the caller's cancellation", i, watched, err)
		}
		var remote *remoteError
		if err := <-outcome; !errors.As(err, &remote) || !strings.Contains(err.Error(), "input ended without an end marker") {
			t.Fatalf("render %d given up at once: the plugin's outcome is %v, want its answer to an input cut short", i, err)
		}
	}
}

// openedThen is a plugin connection that calls then once a render's
// stream is open.
type openedThen struct {
	proto.RendererClient
	then func()
}

func (o openedThen) Render(ctx context.Context, opts ...grpc.CallOption) (proto.Renderer_RenderClient, error) {
	stream, err := o.RendererClient.Render(ctx, opts...)
	o.then()
	return stream, err
}

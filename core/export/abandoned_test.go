package export

import (
	"context"
	"errors"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/testtool"
	"github.com/cratos-project/cratos/renderers"
)

// lateStop renders as txt under the name test-late-stop; the first render
// after it is held (hold) tells arrived, waits for release and then stops on
// its cancelled context, as a long render that checks its context now and
// then does. Other renders pass.
type lateStop struct {
	renderers.Renderer
	held    chan struct{} // a token here is taken by the next render
	arrived chan struct{}
	release chan struct{}
}

func newLateStop() lateStop {
	return lateStop{Renderer: txtRenderer(), held: make(chan struct{}, 1), arrived: make(chan struct{}), release: make(chan struct{})}
}

// hold makes the next render wait for release.
func (r lateStop) hold() { r.held <- struct{}{} }

func (r lateStop) Info() renderers.Info {
	info := r.Renderer.Info()
	info.Name = "test-late-stop"
	return info
}

func (r lateStop) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	select {
	case <-r.held:
		r.arrived <- struct{}{}
		<-r.release
	default:
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return r.Renderer.Render(ctx, w, req, in)
}

// txtRenderer is the built-in txt renderer, which test renderers wrap.
func txtRenderer() renderers.Renderer {
	txt, _ := renderers.Lookup("txt")
	return txt
}

// addRenderer registers rd in s beside the built-in renderers.
func addRenderer(t *testing.T, s *Service, rd renderers.Renderer) {
	t.Helper()
	reg := s.opts.Renderers.Clone()
	if err := reg.Add(rd); err != nil {
		t.Fatal(err)
	}
	s.opts.Renderers = reg
}

// A request that arrives after every request waiting for a build has left,
// while the build is still stopping, gets a build of its own: it joined
// the stopping one and got its cancellation, an error (or a stale list
// saying MISP failed) for a device whose MISP answered.
func TestRequestAfterABuildWasGivenUpBuildsAgain(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(attrsJSON(3))) }))
	t.Cleanup(srv.Close)
	s := limitsService(Limits{})
	rd := newLateStop()
	addRenderer(t, s, rd)
	r := limitsRequest(srv.URL, "k", "1d")
	r.Output = "test-late-stop"

	leaveInRender(t, s, r, rd)
	second := getAsync(s, context.Background(), r)
	testtool.WaitFor(t, "the second request to wait for a build", time.Minute, func() bool { return buildWaiters(s, r) == 1 })
	close(rd.release)
	g := <-second
	if g.err != nil {
		t.Fatalf("the second request: %v, want its list", g.err)
	}
	if g.res.Status != Miss || g.res.Entries != 3 {
		t.Fatalf("the second request: %v, %d entries; want a MISS of 3", g.res.Status, g.res.Entries)
	}
}

// outcome is what a Get returned.
type outcome struct {
	res Result
	err error
}

// getAsync starts s.Get(ctx, r) and returns where its outcome comes.
func getAsync(s *Service, ctx context.Context, r Request) <-chan outcome {
	done := make(chan outcome, 1)
	go func() {
		res, err := s.Get(ctx, r)
		done <- outcome{res, err}
	}()
	return done
}

// awaitOutcome returns the outcome of the Get of what, failing t when it
// has none within a minute: letGo then ends what the Get may wait for (a
// held render), and the failure says what it returned after.
func awaitOutcome(t *testing.T, done <-chan outcome, what string, letGo func()) outcome {
	t.Helper()
	select {
	case o := <-done:
		return o
	case <-time.After(time.Minute):
	}
	letGo()
	select {
	case o := <-done:
		t.Fatalf("%s: no answer within a minute; once the held render was let go: %s (upstream %v), %d entries, error %v",
			what, o.res.Status, o.res.Upstream, o.res.Entries, o.err)
	case <-time.After(time.Minute):
		t.Fatalf("%s: no answer within a minute, nor within a minute of the held render let go", what)
	}
	return outcome{}
}

// buildWaiters counts the requests waiting for the build of r's list.
func buildWaiters(s *Service, r Request) int {
	k := s.listKeys(r)
	nsArtifact := s.opts.Namespace.Key(context.Background(), k.group, k.artifact)
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	if w := s.limits.waiting[nsArtifact]; w != nil {
		return w.n
	}
	return 0
}

// leaveInRender starts a request for r whose client leaves once its
// build is rendering (held by rd), and checks that it ends with its own
// cancellation.
func leaveInRender(t *testing.T, s *Service, r Request, rd lateStop) {
	t.Helper()
	rd.hold()
	ctx, leave := context.WithCancel(context.Background())
	ended := make(chan error, 1)
	go func() {
		_, err := s.Get(ctx, r)
		ended <- err
	}()
	await(t, rd.arrived, "render of the list of the request that leaves")
	leave()
	if err := <-ended; !errors.Is(err, context.Canceled) {
		t.Fatalf("the request that left: %v, want its own cancellation", err)
	}
}

package export

import (
	"context"
	"fmt"
	"runtime/debug"

	"golang.org/x/sync/singleflight"

	"github.com/cratos-project/cratos/core/indicator"
)

// viewKey names the views that one making serves: those of one site
// configuration, MISP key, feed, age, lifetime and kinds of indicator,
// whoever the consumer.
func (s *Service) viewKey(r Request, types indicator.TypeSet) string {
	return fmt.Sprintf("view\x00%p\x00%s\x00%s\x00%s\x00%d\x00%d", r.Site, s.Identity(r), r.Feed, r.Age, r.TTL, types)
}

// awaitView makes r's view, or joins the making running for key, and
// returns its result, or ctx's error when the request leaves first. The
// making outlives the request that started it, as a list's build does
// (awaitBuild), and is cancelled when every request waiting for it has
// left: a poll whose client gave up holds no build slot or MISP read.
func (s *Service) awaitView(ctx context.Context, key string, r Request, types indicator.TypeSet, lookup func(string) (indicator.DataType, bool)) (singleflight.Result, error) {
	w := s.limits.join(key, r.Consumer)
	ch := s.views.DoChan(key, func() (_ any, err error) {
		vctx, cancel := context.WithCancel(withWaiters(context.WithoutCancel(ctx), w))
		defer cancel()
		s.limits.started(key, cancel)
		defer s.recoverView(r, &err)
		v, err := s.feedView(vctx, r, types, lookup)
		return v, givenUp(vctx, err)
	})
	select {
	case <-ctx.Done():
		s.limits.leave(key, w, true)
		return singleflight.Result{}, ctx.Err()
	case res := <-ch:
		s.limits.leave(key, w, false)
		return res, nil
	}
}

// recoverView turns a panic of r's view into ErrBuildPanicked, its stack
// in the log: the view is made in a goroutine of its own
// (single-flight), where a panic would end the process.
func (s *Service) recoverView(r Request, err *error) {
	if p := recover(); p != nil {
		value, stack := panicOrigin(p, debug.Stack())
		s.opts.Logger.Error("feed view panicked", "site", r.Site.Name, "feed", r.Feed,
			"panic", fmt.Sprint(value), "stack", string(stack))
		*err = ErrBuildPanicked
	}
}

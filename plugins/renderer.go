package plugins

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// Renderer returns the plugin as a renderers.Renderer (and
// renderers.OptionValidator). Its Info().Name is the configured name. Every
// failure of the plugin is an *Error; a failure of the caller's writer or
// the end of the caller's ctx is returned as it is.
func (p *Plugin) Renderer() renderers.Renderer { return pluginRenderer{p} }

type pluginRenderer struct{ p *Plugin }

func (r pluginRenderer) Info() renderers.Info { return r.p.Info() }

func (r pluginRenderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	return r.p.render(ctx, w, req, in)
}

func (r pluginRenderer) ValidateOptions(opts map[string]string) error {
	return r.p.validateOptions(opts)
}

func (p *Plugin) render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	inst, call, err := p.acquireFor(ctx, listOf(req))
	if err != nil {
		return err
	}
	// The render deadline runs from here whatever the caller does: when the
	// caller gives up first, the plugin's stream stays open until the
	// plugin answers or the deadline passes, and a plugin that never
	// answers is retired then, as if the caller had waited.
	limit, cancelLimit := context.WithTimeoutCause(context.WithoutCancel(ctx), p.cfg.RenderTimeout,
		fmt.Errorf("%w (%v)", ErrRenderTimeout, p.cfg.RenderTimeout))
	rctx, cancel := context.WithCancelCause(limit)
	stopCaller := context.AfterFunc(ctx, func() { cancel(context.Cause(ctx)) })
	defer func() { stopCaller(); cancel(nil) }()
	watched := false
	defer func() {
		if !watched {
			cancelLimit()
			p.endRender(inst, call)
			p.release(inst)
		}
	}()
	watched, err = inst.rc.render(rctx, limit, w, req, in, func(err error) {
		defer p.release(inst)
		defer p.endRender(inst, call)
		defer cancelLimit()
		p.mu.Lock()
		closed := p.closed
		p.mu.Unlock()
		if !closed {
			_ = p.classify(context.Background(), inst, err)
		}
	})
	return p.classify(ctx, inst, err)
}

// acquireFor returns the usable process, and the render of list
// registered on it once admitted there (admit).
func (p *Plugin) acquireFor(ctx context.Context, list string) (*instance, *renderCall, error) {
	for {
		inst, err := p.acquire(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, fmt.Errorf("plugins: render %s: %w", p.cfg.Name, err)
			}
			return nil, nil, &Error{Plugin: p.cfg.Name, Err: err}
		}
		call, ok, err := p.admit(ctx, inst, list)
		if ok && err == nil {
			return inst, call, nil
		}
		p.release(inst)
		if err != nil {
			return nil, nil, err
		}
	}
}

func (p *Plugin) validateOptions(opts map[string]string) error {
	ctx, cancel := context.WithTimeout(context.Background(), p.cfg.StartTimeout+callTimeout)
	defer cancel()
	inst, err := p.acquire(ctx)
	if err != nil {
		return &Error{Plugin: p.cfg.Name, Err: err}
	}
	defer p.release(inst)
	err = inst.rc.validateOptions(ctx, opts)
	var remote *remoteError
	if errors.As(err, &remote) {
		return fmt.Errorf("plugin %s: %w", p.cfg.Name, err)
	}
	return p.classify(ctx, inst, err)
}

// classify turns the outcome of a call on inst into the error the caller
// sees, and retires inst when the plugin itself failed.
func (p *Plugin) classify(ctx context.Context, inst *instance, err error) error {
	var (
		out    *outputError
		bad    *inputError
		remote *remoteError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &out), errors.As(err, &bad):
		return err // the caller's writer or input failed
	case ctx.Err() != nil:
		return err // the caller gave up; the plugin is not at fault
	case errors.As(err, &remote):
		return &Error{Plugin: p.cfg.Name, Err: err}
	}
	exited := false
	if !errors.Is(err, ErrRenderTimeout) && !errors.Is(err, ErrProtocol) && p.waitExit(inst) {
		exited = true
		err = fmt.Errorf("%w: %w", ErrExited, err)
	}
	p.fail(inst, err, exited)
	return &Error{Plugin: p.cfg.Name, Err: err}
}

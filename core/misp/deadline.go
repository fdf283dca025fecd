package misp

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// namedDeadline is the deadline WithDeadline set, and what set it.
type namedDeadline struct {
	name     string
	limit    time.Duration
	deadline time.Time
}

type namedDeadlineKey struct{}

// WithDeadline returns ctx ending after limit, as context.WithTimeout
// does; a MISP read it cuts off is reported as ended by name ("the build
// timeout") of limit, so an operator tunes the setting that ended it.
func WithDeadline(ctx context.Context, name string, limit time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	d, _ := ctx.Deadline()
	return context.WithValue(ctx, namedDeadlineKey{}, namedDeadline{name: name, limit: limit, deadline: d}), cancel
}

// DeadlineTimeout is the Timeout error of site for a read ended by ctx's
// own deadline: it names the limit WithDeadline set when that limit is
// ctx's deadline, and the caller's deadline otherwise.
func DeadlineTimeout(ctx context.Context, site string) *Error {
	return &Error{Kind: Timeout, Site: site, Detail: deadlineDetail(ctx)}
}

func deadlineDetail(ctx context.Context) string {
	nd, ok := ctx.Value(namedDeadlineKey{}).(namedDeadline)
	if d, has := ctx.Deadline(); ok && has && d.Equal(nd.deadline) {
		return fmt.Sprintf("no answer within %s (%s)", nd.name, nd.limit)
	}
	return "no answer before the caller's deadline"
}

// readEnded is the error of a read that ctx or the site's timeout ended:
// the client going away, ctx's deadline (the build timeout) or the
// site's mispTimeoutSeconds (or Options.TimeoutName), whichever did.
func (c *Client) readEnded(ctx context.Context) *Error {
	switch err := ctx.Err(); {
	case errors.Is(err, context.Canceled):
		return &Error{Kind: Canceled, Site: c.opts.Site, Detail: "request cancelled: the client went away", Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return DeadlineTimeout(ctx, c.opts.Site)
	}
	name := c.opts.TimeoutName
	if name == "" {
		name = "the site's mispTimeoutSeconds"
	}
	return &Error{Kind: Timeout, Site: c.opts.Site, Detail: fmt.Sprintf("no answer within %s (%s)", name, c.opts.Timeout)}
}

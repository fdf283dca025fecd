package misp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A read that MISP does not answer in time names the limit that ended it,
// so an operator tunes that one: the build timeout (set with
// WithDeadline), a deadline of the caller's own, or the client going
// away; the site's mispTimeoutSeconds only when it is what ended the read
// (TestErrorClassification).
func TestReadEndedNamesItsLimit(t *testing.T) {
	arrived := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // the body read, a closed connection ends r's context
		select {
		case arrived <- struct{}{}:
		default:
		}
		<-r.Context().Done()
	}))
	defer srv.Close()
	tests := []struct {
		name   string
		ctx    func() (context.Context, context.CancelFunc)
		kind   Kind
		detail string
	}{
		{"build timeout", func() (context.Context, context.CancelFunc) {
			return WithDeadline(context.Background(), "the build timeout", 300*time.Millisecond)
		}, Timeout, "no answer within the build timeout (300ms)"},
		{"caller's deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 300*time.Millisecond)
		}, Timeout, "no answer before the caller's deadline"},
		{"shorter deadline inside the build timeout", func() (context.Context, context.CancelFunc) {
			ctx, cancel := WithDeadline(context.Background(), "the build timeout", time.Hour)
			ctx, cancel2 := context.WithTimeout(ctx, 300*time.Millisecond)
			return ctx, func() { cancel2(); cancel() }
		}, Timeout, "no answer before the caller's deadline"},
		{"client gone", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			go func() { <-arrived; cancel() }()
			return ctx, cancel
		}, Canceled, "request cancelled: the client went away"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The site's timeout is far past the limit under test.
			c := New(Options{Site: "misp.example", BaseURL: srv.URL, Key: testKey, Timeout: time.Hour})
			ctx, cancel := tc.ctx()
			defer cancel()
			_, err := c.SearchAttributes(ctx, Query{}, 10, 2, discard)
			var me *Error
			if !errors.As(err, &me) || me.Kind != tc.kind || me.Error() != "MISP misp.example: "+tc.detail {
				t.Fatalf("got %v (%#v), want kind %d %q", err, me, tc.kind, tc.detail)
			}
			select { // the request has reached MISP: drain its arrival
			case <-arrived:
			default:
			}
		})
	}
}

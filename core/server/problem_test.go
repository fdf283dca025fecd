package server

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/plugins"
)

func TestUpstreamClassification(t *testing.T) {
	crash := &plugins.Error{Plugin: "fortinet-ext", Err: errors.New("exited: signal: killed")}
	tests := []struct {
		name   string
		err    error
		status int
		msg    string
	}{
		{"plugin failure", crash, 502, "renderer plugin fortinet-ext failed: exited: signal: killed"},
		{"plugin failure inside a render error", &export.RenderError{Renderer: "fortinet-ext", Err: crash}, 502,
			"renderer plugin fortinet-ext failed: exited: signal: killed"},
		{"plugin deadline", fmt.Errorf("build: %w", &plugins.Error{Plugin: "p", Err: context.DeadlineExceeded}), 502,
			"renderer plugin p failed: context deadline exceeded"},
		{"built-in renderer deadline", &export.RenderError{Renderer: "json", Err: context.DeadlineExceeded}, 502,
			"renderer json did not finish within the render deadline"},
		{"built-in renderer failure", &export.RenderError{Renderer: "json", Err: errors.New("boom")}, 500,
			"renderer json failed to build the list"},
		{"MISP unreachable", &misp.Error{Kind: misp.Unreachable, Site: "s", Detail: "refused"}, 503, "MISP s: refused"},
		{"MISP timeout", &misp.Error{Kind: misp.Timeout, Site: "s", Detail: "slow"}, 504, "MISP s: slow"},
		{"MISP refused the key", &misp.Error{Kind: misp.AuthFailed, Site: "s", Detail: "403"}, 502, "MISP s: 403"},
		{"build budget", fmt.Errorf("x: %w", export.ErrBuildBudget), 429, "x: " + export.ErrBuildBudget.Error()},
		{"build slots busy", fmt.Errorf("x: %w", &export.SlotError{Site: "s", Detail: "no build slot free (max_concurrent_builds 4)"}), 503,
			"x: busy: no build slot free (max_concurrent_builds 4)"},
		{"unknown", errors.New("other"), 500, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, msg := upstream(tt.err)
			if status != tt.status || msg != tt.msg {
				t.Errorf("upstream = %d %q, want %d %q", status, msg, tt.status, tt.msg)
			}
		})
	}
}

// A stale answer's Warning names its cause: slots busy past the build
// timeout are not MISP's fault.
func TestStaleCause(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"MISP timeout", &misp.Error{Kind: misp.Timeout, Site: "s", Detail: "slow"}, "MISP unavailable"},
		{"render slots busy", &export.SlotError{Site: "s", Detail: "no render slot free (2 renders at once)"},
			"busy: no render slot free (2 renders at once)"},
		{"cold-build budget", &export.BudgetError{}, "cold-build budget spent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := staleCause(tt.err); got != tt.want {
				t.Errorf("staleCause = %q, want %q", got, tt.want)
			}
		})
	}
}

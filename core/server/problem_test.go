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

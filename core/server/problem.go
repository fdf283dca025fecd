package server

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/renderers"
)

// detail answers status with the original's error body {"detail": msg}.
func detail(c *fiber.Ctx, status int, msg string) error {
	return c.Status(status).JSON(fiber.Map{"detail": msg})
}

// fieldError is one entry of a 422 body, in the shape the original's
// framework produces.
type fieldError struct {
	Type  string         `json:"type"`
	Loc   []string       `json:"loc"`
	Msg   string         `json:"msg"`
	Input any            `json:"input"`
	Ctx   map[string]any `json:"ctx,omitempty"`
}

// validation collects parameter errors for one 422 answer.
type validation []fieldError

func (v *validation) enum(where, name, value string, allowed []string) {
	quoted := make([]string, len(allowed))
	for i, a := range allowed {
		quoted[i] = "'" + a + "'"
	}
	expected := strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
	*v = append(*v, fieldError{Type: "enum", Loc: []string{where, name}, Msg: "Input should be " + expected,
		Input: value, Ctx: map[string]any{"expected": expected}})
}

func (v *validation) add(where, name, typ, msg string, input any) {
	*v = append(*v, fieldError{Type: typ, Loc: []string{where, name}, Msg: msg, Input: input})
}

func (v validation) respond(c *fiber.Ctx) error {
	return c.Status(fiber.StatusUnprocessableEntity).JSON(fiber.Map{"detail": []fieldError(v)})
}

// setRetryAfter sets Retry-After on the answer to a list refused by the
// token's cold-build or render budget (the seconds until the budget
// allows one) or by slots busy past the build timeout.
func setRetryAfter(c *fiber.Ctx, err error) {
	var be *export.BudgetError
	if errors.As(err, &be) {
		c.Set(fiber.HeaderRetryAfter, retrySeconds(be.RetryAfter))
	}
	if errors.Is(err, export.ErrBusy) {
		c.Set(fiber.HeaderRetryAfter, retrySeconds(busyRetryAfter))
	}
}

// busyRetryAfter is the Retry-After of a list or poll that found no build
// or render slot free within the build timeout.
const busyRetryAfter = time.Minute

// retrySeconds is d in whole seconds for Retry-After, rounded up: a
// client that waits that long is not refused again.
func retrySeconds(d time.Duration) string {
	return strconv.FormatInt(int64(max((d+time.Second-1)/time.Second, 1)), 10)
}

// upstream maps a failure of the export or MISP layers to a status and a
// detail. MISP faults never answer 401 or 403: a firewall that sees an
// authentication failure may stop enforcing its list.
// staleCause names, for a stale answer's Warning, why the list was not
// rebuilt: err is the failure that made the answer stale.
func staleCause(err error) string {
	var re *export.RenderError
	var pf renderers.PluginFault
	switch {
	case errors.Is(err, export.ErrBuildBudget):
		return "cold-build budget spent"
	case errors.Is(err, export.ErrRenderBudget):
		return "render budget spent"
	case errors.Is(err, export.ErrRenderTooLarge), errors.As(err, &pf), errors.As(err, &re):
		return "list could not be rendered"
	case errors.Is(err, export.ErrBusy):
		return err.Error() // the slots waited for, never MISP's fault
	}
	return "MISP unavailable"
}

func upstream(err error) (int, string) {
	var me *misp.Error
	var re *export.RenderError
	var pf renderers.PluginFault
	switch {
	case errors.Is(err, export.ErrBuildBudget), errors.Is(err, export.ErrRenderBudget):
		return fiber.StatusTooManyRequests, err.Error()
	case errors.Is(err, export.ErrRenderTooLarge):
		return fiber.StatusBadGateway, err.Error()
	case errors.Is(err, export.ErrBusy):
		// The lists built here, not MISP, kept the request waiting.
		return fiber.StatusServiceUnavailable, err.Error()
	case errors.As(err, &pf):
		plugin, cause := pf.PluginFault()
		return fiber.StatusBadGateway, fmt.Sprintf("renderer plugin %s failed: %v", plugin, cause)
	case errors.As(err, &me):
		switch me.Kind {
		case misp.Unreachable:
			return fiber.StatusServiceUnavailable, me.Error()
		case misp.Timeout, misp.Canceled:
			return fiber.StatusGatewayTimeout, me.Error()
		}
		return fiber.StatusBadGateway, me.Error()
	case errors.As(err, &re) && errors.Is(err, context.DeadlineExceeded):
		return fiber.StatusBadGateway, fmt.Sprintf("renderer %s did not finish within the render deadline", re.Renderer)
	case errors.As(err, &re):
		return fiber.StatusInternalServerError, fmt.Sprintf("renderer %s failed to build the list", re.Renderer)
	case errors.Is(err, export.ErrUnknownFeed):
		return fiber.StatusNotFound, err.Error()
	case errors.Is(err, export.ErrUnknownOutput), errors.Is(err, export.ErrUnknownPackage):
		return fiber.StatusNotFound, err.Error()
	case errors.Is(err, export.ErrUnsupportedType):
		return fiber.StatusBadRequest, err.Error()
	case errors.Is(err, export.ErrBadAge):
		return fiber.StatusUnprocessableEntity, err.Error()
	}
	return fiber.StatusInternalServerError, "internal error"
}

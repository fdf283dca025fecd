package server

import "github.com/gofiber/fiber/v2"

// localsKey types the keys of a request's locals, so no other package's
// string key can collide with them and every read has one typed getter.
type localsKey int

const (
	keyCaller localsKey = iota // *caller: the authenticated identity
	keyReason                  // string: why authentication refused, for the access log
)

// callerOf returns the request's authenticated caller, or nil before (or
// without) authentication.
func callerOf(c *fiber.Ctx) *caller {
	cl, _ := c.Locals(keyCaller).(*caller)
	return cl
}

// setReason records why a request was refused, for the access log.
func setReason(c *fiber.Ctx, reason string) { c.Locals(keyReason, reason) }

// reasonOf returns the refusal reason set by setReason, if any.
func reasonOf(c *fiber.Ctx) (string, bool) {
	r, ok := c.Locals(keyReason).(string)
	return r, ok
}

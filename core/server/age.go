package server

import (
	"time"

	"github.com/valyala/fasthttp"

	"github.com/cratos-project/cratos/core/export"
)

// setAge sends Age: the seconds from when MISP was read for the list
// served to now (RFC 9111 section 5.1), when that time is known.
func setAge(h *fasthttp.ResponseHeader, res export.Result, now time.Time) {
	if res.Artifact == nil || res.Fetched.IsZero() {
		return
	}
	age := int64(now.Sub(res.Fetched).Seconds())
	if age < 0 {
		age = 0
	}
	setIntHeader(h, headerAge, "", age)
}

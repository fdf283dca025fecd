package server

import (
	"net/http"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/cratos-project/cratos/core/export"
)

// setAge sends Age: the seconds from when MISP was read for the list
// served (for a held list, the hold's last read: Result.Read) to now (RFC
// 9111 section 5.1), when that time is known.
func setAge(h *fasthttp.ResponseHeader, res export.Result, now time.Time) {
	if res.Artifact == nil || res.Fetched.IsZero() {
		return
	}
	age := int64(now.Sub(res.Read()).Seconds())
	if age < 0 {
		age = 0
	}
	setIntHeader(h, headerAge, "", age)
}

// setLastModified sends Last-Modified, lm (a's Generated), or now when a
// was fetched by a clock ahead of this one (set back since, or another
// replica's): a date later than the answer's is one no client can use
// (RFC 9110 section 8.8.2.1).
func setLastModified(h *fasthttp.ResponseHeader, a *export.Artifact, lm string, now time.Time) {
	if a.Generated.After(now) {
		lm = now.UTC().Format(http.TimeFormat)
	}
	setHeader(h, headerLastModified, lm)
}

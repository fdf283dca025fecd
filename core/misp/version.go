package misp

import (
	"errors"

	"github.com/valyala/fastjson"
)

// IsVersionAnswer reports whether body and err, the result of an
// unauthenticated getVersion call (/servers/getVersion.json), came from
// MISP itself: its version, or its own refusal of a request without a
// key (403 "Authentication failed"). A 5xx, a redirect, a login page or
// a proxy's refusal is a server answering, not MISP serving.
func IsVersionAnswer(body []byte, err error) bool {
	if err != nil {
		var me *Error
		return errors.As(err, &me) && me.Kind == AuthFailed
	}
	v, perr := fastjson.ParseBytes(body)
	return perr == nil && len(v.GetStringBytes("version")) > 0
}

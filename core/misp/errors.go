package misp

import (
	"bytes"
	"fmt"

	"github.com/valyala/fastjson"
)

// Kind classifies an upstream failure.
type Kind int

// Failure kinds. The server maps Unreachable to 503, Timeout to 504 and the
// others to 502.
const (
	Unreachable Kind = iota + 1 // connection refused, DNS, TLS verification
	Timeout                     // no answer within the site's timeout
	HTTPStatus                  // MISP answered 4xx or 5xx
	AuthFailed                  // MISP refused the API key
	BadResponse                 // not JSON, truncated, wrong shape
	Canceled                    // the caller went away
)

// Error is an upstream failure. Its message names the site, never the key.
type Error struct {
	Kind   Kind
	Site   string
	Status int // HTTP status when Kind is HTTPStatus or AuthFailed
	Detail string
	Err    error
}

func (e *Error) Error() string { return fmt.Sprintf("MISP %s: %s", e.Site, e.Detail) }

func (e *Error) Unwrap() error { return e.Err }

// statusError builds the error for an HTTP status of 400 or more, using
// MISP's own message when its body carries one.
func statusError(site string, status int, body []byte) *Error {
	if status == 401 || status == 403 {
		if bytes.Contains(body, []byte("Authentication failed")) {
			return &Error{Kind: AuthFailed, Site: site, Status: status, Detail: fmt.Sprintf("authentication failed (HTTP %d)", status)}
		}
	}
	detail := fmt.Sprintf("answered HTTP %d", status)
	if msg := mispMessage(body); msg != "" {
		detail += ": " + msg
	}
	return &Error{Kind: HTTPStatus, Site: site, Status: status, Detail: detail}
}

// mispMessage extracts the "message" (or "name") of MISP's error body,
// shortened.
func mispMessage(body []byte) string {
	v, err := fastjson.ParseBytes(body)
	if err != nil {
		return ""
	}
	msg := string(v.GetStringBytes("message"))
	if msg == "" {
		msg = string(v.GetStringBytes("name"))
	}
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return msg
}

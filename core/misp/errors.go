package misp

import (
	"bytes"
	"fmt"
	"strings"

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
	// Cause is the transport error behind an Unreachable or BadResponse
	// failure (a refused connection, an untrusted certificate), for a
	// person setting Cratos up; it is not in the Unwrap chain, and not in
	// the message a device is given.
	Cause error
}

func (e *Error) Error() string { return fmt.Sprintf("MISP %s: %s", e.Site, e.Detail) }

func (e *Error) Unwrap() error { return e.Err }

// statusError builds the error for an HTTP status of 400 or more, using
// MISP's own message when its body carries one, with key taken out of it.
func statusError(site string, status int, body []byte, key string) *Error {
	if status == 401 || status == 403 {
		if bytes.Contains(body, []byte("Authentication failed")) {
			return &Error{Kind: AuthFailed, Site: site, Status: status, Detail: fmt.Sprintf("authentication failed (HTTP %d)", status)}
		}
	}
	detail := fmt.Sprintf("answered HTTP %d", status)
	if msg := mispMessage(body, key); msg != "" {
		detail += ": " + msg
	}
	return &Error{Kind: HTTPStatus, Site: site, Status: status, Detail: detail}
}

// mispMessage extracts the "message" (or "name") of MISP's error body,
// shortened, with key taken out.
func mispMessage(body []byte, key string) string {
	return shorten(messageText(body), key)
}

// messageText returns the whole "message" (or "name") of MISP's error
// body.
func messageText(body []byte) string {
	v, err := fastjson.ParseBytes(body)
	if err != nil {
		return ""
	}
	msg := string(v.GetStringBytes("message"))
	if msg == "" {
		msg = string(v.GetStringBytes("name"))
	}
	return msg
}

// shorten cuts a message of MISP at 200 bytes. key, which a misbehaving
// server could echo back, is replaced first, so that the cut never
// leaves a part of it.
func shorten(msg, key string) string {
	if key != "" {
		msg = strings.ReplaceAll(msg, key, "[redacted]")
	}
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return msg
}

// errorAnswer is an answer of MISP that is an error message where data
// was expected; msg is the whole message.
type errorAnswer struct{ msg string }

func (e *errorAnswer) Error() string { return e.detail("") }

// detail is the error's text with key taken out of the message.
func (e *errorAnswer) detail(key string) string {
	return "answered with an error: " + shorten(e.msg, key)
}

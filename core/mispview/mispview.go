// Package mispview answers the MISP passthrough routes (check,
// statistics, warninglists): it asks MISP with the token's key and encodes
// MISP's answer as the original service did, with the renderers' own
// encoders. It knows nothing of HTTP: core/server maps its errors to
// statuses.
package mispview

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/valyala/fastjson"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/misp"
)

// Source is the MISP instance of an authenticated request.
type Source struct {
	Site      *config.Site
	BaseURL   string // the token's MISP URL, without a trailing slash
	Key       string // the token's MISP API key
	UserAgent string
}

// Answer is an encoded answer.
type Answer struct {
	Body        []byte
	ContentType string
	Dropped     string // values left out, "reason=count, ..." as X-Cratos-Dropped; "" when none
}

// AnswerError is an answer of MISP that cannot be passed on: malformed
// JSON or a document without what the route needs. Its text names the
// site and never holds the key.
type AnswerError struct {
	Site, Msg string
}

func (e *AnswerError) Error() string { return "MISP " + e.Site + ": " + e.Msg }

// callBound bounds one passthrough call, retries included.
const callBound = 2 * time.Minute

func (src Source) client(timeout time.Duration) *misp.Client {
	t, name := time.Duration(src.Site.MISPTimeoutSeconds)*time.Second, ""
	if timeout > 0 && timeout < t {
		t, name = timeout, "this call's limit" // raising mispTimeoutSeconds does not change it
	}
	return misp.New(misp.Options{Site: src.Site.Name, BaseURL: src.BaseURL, Key: src.Key, Timeout: t, TimeoutName: name,
		VerifyCert: src.Site.VerifyCert(), UserAgent: src.UserAgent})
}

// fetch GETs a MISP path and returns its JSON answer. Errors are
// core/misp's.
func (src Source) fetch(ctx context.Context, path string, timeout time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, callBound)
	defer cancel()
	return src.client(timeout).GetJSON(ctx, path)
}

// get GETs a MISP path and parses its JSON answer. Errors are core/misp's
// or an *AnswerError.
func (src Source) get(ctx context.Context, path string, timeout time.Duration) (*fastjson.Value, error) {
	body, err := src.fetch(ctx, path, timeout)
	if err != nil {
		return nil, err
	}
	v, err := fastjson.ParseBytes(body)
	if err != nil {
		return nil, src.fault("answered with malformed JSON")
	}
	return v, nil
}

func (src Source) fault(msg string) error { return &AnswerError{Site: src.Site.Name, Msg: msg} }

// Check answers MISP's version as seen with the token's key, with the
// time of the answer.
func Check(ctx context.Context, src Source, now time.Time) (Answer, error) {
	v, err := src.get(ctx, "/servers/getVersion.json", 5*time.Second)
	if err != nil {
		return Answer{}, err
	}
	if v.Type() != fastjson.TypeObject || v.Get("version") == nil {
		return Answer{}, src.fault("answer has no version")
	}
	content, err := src.embedded(v)
	if err != nil {
		return Answer{}, err
	}
	return jsonAnswer(orderedMap{
		{"status_code", 200}, {"encoding", "utf-8"}, {"content", content},
		{"misp_host", src.BaseURL}, {"unixtimestamp", now.Unix()},
	})
}

// Statistics answers MISP's attribute counts per type.
func Statistics(ctx context.Context, src Source) (Answer, error) {
	v, err := src.get(ctx, "/attributes/attributeStatistics", 30*time.Second)
	if err != nil {
		return Answer{}, err
	}
	content, err := src.embedded(v)
	if err != nil {
		return Answer{}, err
	}
	switch v.Type() {
	case fastjson.TypeObject:
	case fastjson.TypeArray:
		// An empty MISP answers [].
		content = rawJSON("{}")
	default:
		return Answer{}, src.fault("statistics are not an object")
	}
	return jsonAnswer(orderedMap{{"status_code", 200}, {"encoding", "utf-8"}, {"content", content}, {"misp_host", src.BaseURL}})
}

// WarninglistOutputs are the formats Warninglist writes.
var WarninglistOutputs = []string{"txt", "json", "xml", "yaml"}

// Warninglist answers MISP warninglist id (0: the index of every list) in
// out, one of WarninglistOutputs; the caller has validated both.
func Warninglist(ctx context.Context, src Source, id int, out string) (Answer, error) {
	if id == 0 {
		doc, err := src.get(ctx, "/warninglists/index", 30*time.Second)
		if err != nil {
			return Answer{}, err
		}
		return src.answer(warninglistIndex(doc, out))
	}
	// A view is read entry by entry (viewEntries): a list of a million
	// entries (tranco, cloudflare-top1m) parsed whole took some 25 times
	// its size in memory.
	body, err := src.fetch(ctx, "/warninglists/view/"+strconv.Itoa(id), 30*time.Second)
	if err != nil {
		return Answer{}, err
	}
	return src.answer(warninglistView(body, out))
}

// answer is a, or err as a fault of MISP's answer.
func (src Source) answer(a Answer, err error) (Answer, error) {
	if err != nil {
		return Answer{}, src.fault(err.Error())
	}
	return a, nil
}

// embedded returns MISP's document v to embed in an answer unchanged. A
// document fastjson reads but JSON does not allow (NaN, Inf, a raw
// control character in a string) is a fault of MISP's answer, and
// invalid UTF-8 in its strings becomes U+FFFD, so that every answer is
// JSON a client reads.
func (src Source) embedded(v *fastjson.Value) (rawJSON, error) {
	b := v.MarshalTo(nil)
	if !json.Valid(b) {
		return nil, src.fault("answered with malformed JSON")
	}
	return bytes.ToValidUTF8(b, []byte("\uFFFD")), nil
}

// jsonAnswer encodes v as the server's JSON answers are encoded
// (encoding/json, HTML characters escaped).
func jsonAnswer(v any) (Answer, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return Answer{}, err
	}
	return Answer{Body: b, ContentType: "application/json"}, nil
}

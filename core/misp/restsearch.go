package misp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/workgroup"
	"github.com/valyala/fastjson"
)

// Query is one attribute restSearch, as the original sends it.
type Query struct {
	Types []string
	// Org, when set, restricts to events created by that organisation
	// (name or uuid).
	Org  string
	Tags []string
	// Timestamp is the oldest attribute timestamp wanted (unix seconds).
	Timestamp int64
	// Published true asks for published events only; false sends
	// "published": false, which MISP treats as no filter.
	Published bool
	// EnforceWarninglist drops values on MISP's enabled warninglists.
	EnforceWarninglist bool
	// ToIDS true sends "to_ids": true; false leaves the key out.
	ToIDS bool
	// Unpublished sends "published": 0 (events not published), in place
	// of Published.
	Unpublished bool
	// EventTimestamp and PublishTimestamp, when not 0, select events whose
	// timestamp (any change to the event or its attributes) or
	// publish_timestamp (its last publication) is at least this (unix
	// seconds).
	EventTimestamp, PublishTimestamp int64
	// EventIDs, when set, restricts to these events.
	EventIDs []int64
	// WithDeleted sends "deleted": [0, 1]: live and soft-deleted
	// attributes, those inside objects included.
	WithDeleted bool
	// UUIDs, when set, restricts to the attributes with these uuids and
	// the attributes of the events with these uuids.
	UUIDs []string
}

// Body returns the JSON body of page page (1-based) of size limit; limit
// 0 sends no paging keys. Keys are in the order the original sends them,
// then order, limit and page. The order is Attribute.id: without one, MISP
// (every version but 2.4.195) queries with no ORDER BY, and the database
// may read each page in another order, so that pages repeat some
// attributes and miss others. Versions before 2.4.179 ignore it.
func (q Query) Body(limit, page int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"returnFormat":"json","type":`)
	writeJSON(&b, nonNil(q.Types))
	if q.Org != "" {
		b.WriteString(`,"org":`)
		writeJSON(&b, q.Org)
	}
	b.WriteString(`,"tags":`)
	writeJSON(&b, nonNil(q.Tags))
	b.WriteString(`,"withAttachments":0,"metadata":1,"timestamp":`)
	b.WriteString(strconv.FormatInt(q.Timestamp, 10))
	b.WriteString(`,"published":`)
	if q.Unpublished {
		b.WriteString("0")
	} else {
		b.WriteString(strconv.FormatBool(q.Published))
	}
	b.WriteString(`,"enforceWarninglist":`)
	if q.EnforceWarninglist {
		b.WriteString("1")
	} else {
		b.WriteString("0")
	}
	if q.ToIDS {
		b.WriteString(`,"to_ids":true`)
	}
	q.writeDelta(&b)
	b.WriteString(`,"includeEventUuid":0,"includeEventTags":0,"sgReferenceOnly":0,"includeContext":0,"headerless":0,"includeSightings":0,"includeDecayScore":0,"includeCorrelations":0,"excludeDecayed":0`)
	if limit > 0 {
		b.WriteString(`,"order":"Attribute.id","limit":`)
		b.WriteString(strconv.Itoa(limit))
		b.WriteString(`,"page":`)
		b.WriteString(strconv.Itoa(page))
	}
	b.WriteByte('}')
	return b.Bytes()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func writeJSON(b *bytes.Buffer, v any) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // strings and string slices always encode
	b.Truncate(b.Len() - 1)
}

// ScanAttributes runs q page by page (pageSize attributes each; 0 asks
// for everything at once). Up to parallel pages are fetched and decoded at
// once by as many workers; each worker calls newSink once and gives every
// attribute it decodes to its own sink, so a sink needs no locking. Pages
// are decoded as they arrive, through a window of their own for each
// worker, so memory does not grow with the page size. An attribute's
// Value and UUID are borrowed: valid only until the sink returns, which
// copies what it keeps (indicator.Attribute.Own), so that an attribute
// costs no allocation of its own. It returns the number of attributes
// read; on an error, the sinks have been given part of the answer.
func (c *Client) ScanAttributes(ctx context.Context, q Query, pageSize, parallel int, newSink func() func(indicator.Attribute)) (int, error) {
	if pageSize <= 0 {
		end, err := c.searchPage(ctx, q, 0, 0, new([]byte), newSink())
		if err == nil && end.n > c.opts.MaxAttributes {
			err = c.tooMuch(fmt.Sprintf("more than %d attributes", c.opts.MaxAttributes))
		}
		return end.n, err
	}
	pageSize = c.pageSizeFor(pageSize)
	parallel = max(parallel, 1)
	// Page 1 alone first: most feeds fit in one page and cost one request.
	var firstWin []byte
	firstSink := newSink()
	first, err := c.searchPage(ctx, q, pageSize, 1, &firstWin, firstSink)
	total := first.n
	if err == nil && total > c.opts.MaxAttributes {
		err = c.tooMuch(fmt.Sprintf("more than %d attributes", c.opts.MaxAttributes))
	}
	if err == nil && first.done {
		err = c.checkCut(ctx, q, pageSize, 1, first.cut)
	}
	if err != nil || first.done {
		return total, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		next     = 2
		last     = 0  // the first short page seen; no page after it is asked
		lastCut  = 0  // its pageEnd.cut
		overflow bool // a page past MaxPages would have been asked
		firstErr error
		wg       workgroup.Group // a decoder's panic reaches the caller
	)
	claim := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr != nil || (last != 0 && next > last) {
			return 0, false
		}
		if next > c.opts.MaxPages {
			// Past the bound only when no page under it turns out
			// short: one may still be on its way.
			overflow = true
			return 0, false
		}
		p := next
		next++
		return p, true
	}
	for w := range parallel {
		wg.Go(func() {
			win, fn := &firstWin, firstSink
			if w > 0 {
				win, fn = new([]byte), newSink()
			}
			for {
				page, ok := claim()
				if !ok {
					return
				}
				end, err := c.searchPage(ctx, q, pageSize, page, win, fn)
				mu.Lock()
				total += end.n
				if err == nil && total > c.opts.MaxAttributes {
					err = c.tooMuch(fmt.Sprintf("more than %d attributes", c.opts.MaxAttributes))
				}
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				if err == nil && end.done && (last == 0 || page < last) {
					last, lastCut = page, end.cut
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	if firstErr == nil && last == 0 && overflow {
		firstErr = c.tooMuch(fmt.Sprintf("more than %d pages", c.opts.MaxPages))
	}
	if firstErr == nil {
		firstErr = c.checkCut(ctx, q, pageSize, last, lastCut)
	}
	return total, firstErr
}

// SearchAttributes is ScanAttributes for sinks that keep attributes:
// each is given with strings of its own.
func (c *Client) SearchAttributes(ctx context.Context, q Query, pageSize, parallel int, newSink func() func(indicator.Attribute)) (int, error) {
	return c.ScanAttributes(ctx, q, pageSize, parallel, func() func(indicator.Attribute) {
		sink := newSink()
		return func(a indicator.Attribute) { sink(a.Own()) }
	})
}

// searchPage fetches and decodes one page as it arrives, through the
// window *win. done reports that no later page
// can hold attributes: MISP drops warninglisted values after paging, so a
// page is the last one only when the rows it considered (returned plus
// X-Skipped-Elements-Count) fall short of the limit; without that header,
// a warninglisted search ends at an empty page. Nor is it the last while
// X-Result-Count says it was full (fullPage).
func (c *Client) searchPage(ctx context.Context, q Query, pageSize, page int, win *[]byte, fn func(indicator.Attribute)) (end pageEnd, err error) {
	start := time.Now()
	resp, err := c.send(ctx, http.MethodPost, "/attributes/restSearch", q.Body(pageSize, page))
	if err != nil {
		return end, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		_, err := c.answer(ctx, resp, nil)
		return end, err
	}
	body := &boundedReader{r: resp.Body, left: c.opts.MaxResponseBytes}
	n, w, err := c.decodeAnswer(ctx, resp.StatusCode, body, *win, fn)
	*win = w
	if err != nil {
		return end, err
	}
	if c.opts.Logger != nil {
		c.opts.Logger.Debug("MISP page", "site", c.opts.Site, "page", page, "attributes", n,
			"bytes", c.opts.MaxResponseBytes-body.left, "ms", millis(time.Since(start)))
	}
	skipped, serr := strconv.Atoi(resp.Header.Get("X-Skipped-Elements-Count"))
	var done bool
	switch {
	case serr == nil:
		done = n+skipped < pageSize
	case q.EnforceWarninglist:
		done = n == 0
	default:
		done = n < pageSize
	}
	end = pageEnd{n: n, skipped: skipped, done: done && !fullPage(resp.Header, pageSize, n == 0 && serr == nil && skipped == 0)}
	return end, c.checkPieces(&end, pageSize)
}

// fullPage reports whether X-Result-Count says MISP's page held pageSize
// rows (MISP adds one when the page is full): MISP removes the values of
// its allowedlist after paging, counting them in no other header. A page
// that returned and skipped nothing (empty) read none but allowedlisted
// rows, or no row, which MISP counts as one: it was full only at
// pageSize+1. A count past pageSize+1 is not a page's and says nothing.
func fullPage(h http.Header, pageSize int, empty bool) bool {
	rows, err := strconv.Atoi(h.Get("X-Result-Count"))
	if empty {
		return err == nil && rows == pageSize+1
	}
	return err == nil && rows >= pageSize && rows <= pageSize+1
}

// decodeAnswer decodes a restSearch answer of status from body as it
// arrives (decodeStream), and explains what went wrong as an *Error.
func (c *Client) decodeAnswer(ctx context.Context, status int, body io.Reader, win []byte, fn func(indicator.Attribute)) (int, []byte, error) {
	n, win, readErr, err := decodeStream(body, win, pageWindow, fn)
	var ea *errorAnswer
	switch {
	case errors.Is(readErr, errTooLarge):
		return n, win, c.tooLarge()
	case readErr != nil:
		return n, win, c.transportError(ctx, readErr)
	case errors.Is(err, errNotJSON):
		return n, win, c.notJSON(status)
	case errors.As(err, &ea):
		return n, win, &Error{Kind: BadResponse, Site: c.opts.Site, Detail: ea.detail(c.opts.Key)}
	case err != nil:
		return n, win, &Error{Kind: BadResponse, Site: c.opts.Site, Detail: err.Error()}
	}
	return n, win, nil
}

// tooMuch is the error of a search past the client's page or attribute
// bound.
func (c *Client) tooMuch(what string) error {
	return &Error{Kind: BadResponse, Site: c.opts.Site, Detail: "answered " + what + " for one list (misp_max_pages, misp_max_attributes)"}
}

type shapeError string

func (e shapeError) Error() string { return string(e) }

// intOf reads MISP's numbers, which arrive as strings or numbers.
func intOf(v *fastjson.Value) int64 {
	if v == nil {
		return 0
	}
	switch v.Type() {
	case fastjson.TypeNumber:
		return v.GetInt64()
	case fastjson.TypeString:
		n, _ := strconv.ParseInt(string(v.GetStringBytes()), 10, 64)
		return n
	}
	return 0
}

// boolOf reads MISP's flags: true/false, 1/0 or "1"/"0".
func boolOf(v *fastjson.Value) bool {
	if v == nil {
		return false
	}
	switch v.Type() {
	case fastjson.TypeTrue:
		return true
	case fastjson.TypeNumber:
		return v.GetInt() != 0
	case fastjson.TypeString:
		s := string(v.GetStringBytes())
		return s == "1" || s == "true"
	}
	return false
}

var interned = map[string]string{}

// intern returns a shared copy of the few category and type strings MISP
// uses, so a million attributes do not hold a million copies. Unknown
// values are copied as they are.
func intern(b []byte) string {
	if s, ok := interned[string(b)]; ok {
		return s
	}
	return string(b)
}

func init() {
	for _, c := range []string{"Internal reference", "Targeting data", "Antivirus detection", "Payload delivery",
		"Artifacts dropped", "Payload installation", "Persistence mechanism", "Network activity", "Payload type",
		"Attribution", "External analysis", "Financial fraud", "Support Tool", "Social network", "Person", "Other"} {
		interned[c] = c
	}
	for _, dt := range indicator.DataTypes() {
		for _, t := range dt.MISPTypes {
			interned[t] = t
		}
	}
}

// millis is a duration in milliseconds, the one unit of durations in logs.
func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

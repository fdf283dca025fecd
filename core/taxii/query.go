package taxii

import (
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Page sizes of objects, manifest and versions.
const (
	// DefaultLimit is the page size when the request has no limit.
	DefaultLimit = 1000
	// MaxLimit is the largest page; a larger limit is lowered to it.
	MaxLimit = 10000
)

// Query is the filter and page of an objects, manifest or versions
// request.
type Query struct {
	hasAfter   bool
	addedAfter int64 // unix ms, exclusive
	Limit      int
	next       *cursor
	ids        []string
	types      map[string]struct{} // nil: every type
	// versions: "last" (default), "first", "all", or exact versions.
	last, first, all bool
	exact            map[instant]struct{}
	specOK           bool
}

// instant is a timestamp as a comparable key: a version matches an exact
// match[version] through one lookup, however many the request names.
type instant struct {
	sec  int64
	nsec int
}

func instantOf(t time.Time) instant { return instant{t.Unix(), t.Nanosecond()} }

// setOf returns the values as a set, nil when there are none.
func setOf(values []string) map[string]struct{} {
	if len(values) == 0 {
		return nil
	}
	m := make(map[string]struct{}, len(values))
	for _, s := range values {
		m[s] = struct{}{}
	}
	return m
}

// cursor is the position after the last record of a page of the
// collection coll ("" in cursors issued before they named one).
type cursor struct {
	added   int64
	id      string
	revoked bool
	coll    string
}

func (k cursor) String() string {
	r := "0"
	if k.revoked {
		r = "1"
	}
	s := strconv.FormatInt(k.added, 10) + "|" + k.id + "|" + r
	if k.coll != "" {
		s += "|" + k.coll
	}
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func parseCursor(s string) (*cursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(s) > 200 {
		return nil, false
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 3 && len(parts) != 4 || (parts[2] != "0" && parts[2] != "1") || !strings.Contains(parts[1], "--") {
		return nil, false
	}
	n, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || n < 0 {
		return nil, false
	}
	k := &cursor{added: n, id: parts[1], revoked: parts[2] == "1"}
	if len(parts) == 4 {
		if parts[3] == "" {
			return nil, false
		}
		k.coll = parts[3]
	}
	return k, true
}

// ParseTimestamp reads a TAXII timestamp (RFC 3339, UTC "Z").
func ParseTimestamp(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || !strings.HasSuffix(s, "Z") {
		return time.Time{}, false
	}
	return t, true
}

// QueryValues parses a request's query string. Parameters are separated
// by '&' alone: a ';' is part of a name or value, as for the HTTP server
// and TAXII clients (url.ParseQuery refuses any query holding one). Only
// a malformed escape is an error.
func QueryValues(raw string) (url.Values, *Error) {
	v := url.Values{}
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		name, err1 := url.QueryUnescape(name)
		value, err2 := url.QueryUnescape(value)
		if err1 != nil || err2 != nil {
			return nil, &Error{Status: 400, Title: "invalid query string", Description: "a parameter holds a malformed %-escape"}
		}
		v[name] = append(v[name], value)
	}
	return v, nil
}

// ParseQuery reads the URL filter parameters TAXII 2.1 defines for the
// objects, manifest and versions endpoints. Unknown parameters are
// ignored, as TAXII requires; a bad value of a known one is a 400. An
// empty added_after, limit or next (a first poll of some clients) is
// taken as absent.
func ParseQuery(v url.Values) (Query, *Error) {
	q := Query{Limit: DefaultLimit, specOK: true}
	bad := func(name, why string) (Query, *Error) {
		return Query{}, &Error{Status: 400, Title: "invalid " + name + " parameter", Description: why}
	}
	if s, ok := single(v, "added_after"); ok {
		t, ok := ParseTimestamp(s)
		if !ok {
			return bad("added_after", "added_after must be a timestamp such as 2026-01-01T00:00:00.000Z")
		}
		// date_added has millisecond precision: a later one is later than
		// the whole millisecond added_after falls in.
		q.hasAfter, q.addedAfter = true, t.UnixMilli()
	}
	if s, ok := single(v, "limit"); ok {
		n, err := strconv.Atoi(s)
		if errors.Is(err, strconv.ErrRange) && n > 0 {
			err = nil // too large for an int: lowered to MaxLimit like any larger limit
		}
		if err != nil || n < 1 {
			return bad("limit", "limit must be a positive integer (at most "+strconv.Itoa(MaxLimit)+" objects are returned)")
		}
		q.Limit = min(n, MaxLimit)
	}
	if s, ok := single(v, "next"); ok {
		c, ok := parseCursor(s)
		if !ok {
			return bad("next", "next must be a value from a previous response's next")
		}
		q.next = c
	}
	q.ids = list(v, "match[id]")
	q.types = setOf(list(v, "match[type]"))
	versions := list(v, "match[version]")
	if len(versions) == 0 {
		q.last = true
	}
	for _, s := range versions {
		switch s {
		case "last":
			q.last = true
		case "first":
			q.first = true
		case "all":
			q.all = true
		default:
			t, ok := ParseTimestamp(s)
			if !ok {
				return bad("match[version]", "match[version] takes last, first, all or timestamps")
			}
			if q.exact == nil {
				q.exact = map[instant]struct{}{}
			}
			q.exact[instantOf(t)] = struct{}{}
		}
	}
	if specs := list(v, "match[spec_version]"); len(specs) > 0 {
		q.specOK = false
		for _, s := range specs {
			if s == "2.1" {
				q.specOK = true
			}
		}
	}
	return q, nil
}

// single returns the last value of name that is not empty.
func single(v url.Values, name string) (string, bool) {
	vals := v[name]
	for i := len(vals) - 1; i >= 0; i-- {
		if vals[i] != "" {
			return vals[i], true
		}
	}
	return "", false
}

// list returns the comma-separated values of every occurrence of name.
func list(v url.Values, name string) []string {
	var out []string
	for _, s := range v[name] {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

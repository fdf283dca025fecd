package elastic

import (
	"strconv"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/jsonstr"
	"github.com/cratos-project/cratos/renderers"
)

// dateLayout is ISO 8601 in UTC with milliseconds, as Elasticsearch's
// default date format reads it.
const dateLayout = "2006-01-02T15:04:05.000Z"

// lastDate is 9999-12-31T23:59:59Z, the last unix time dateLayout's
// four-digit year can write.
const lastDate = 253402300799

// encoder builds documents; the parts every document shares are made
// once.
type encoder struct {
	c    config
	head []byte // from the opening brace to threat.indicator's first field
	buf  []byte
	day  int64  // the day (unix seconds / 86400) dayText is for
	date []byte // "YYYY-MM-DDT" of day
}

func newEncoder(c config, req renderers.Request) *encoder {
	h := []byte(`{"@timestamp":"`)
	h = req.Generated.UTC().AppendFormat(h, dateLayout)
	h = append(h, `","ecs":{"version":"`+ECSVersion+`"},"event":{"kind":"enrichment","category":["threat"],"type":["indicator"]},"threat":{`...)
	if feed := strings.TrimSpace(req.Site + " " + req.Feed); feed != "" {
		h = append(h, `"feed":{"name":`...)
		h = jsonstr.Append(h, "Cratos "+feed)
		h = append(h, "},"...)
	}
	h = append(h, `"indicator":{"provider":`...)
	h = jsonstr.Append(h, c.provider)
	if c.tlp != "" {
		h = append(h, `,"marking":{"tlp":"`+c.tlp+`"}`...)
	}
	return &encoder{c: c, head: h, day: -1}
}

// document returns the line of x, valid until the next call.
func (e *encoder) document(x indicator.Indicator) []byte {
	b := append(e.buf[:0], e.head...)
	b = append(b, `,"type":"`...)
	switch x.Type {
	case indicator.IPv4:
		b = append(b, `ipv4-addr","ip":`...)
		b = jsonstr.Append(b, x.Value)
	case indicator.IPv6:
		b = append(b, `ipv6-addr","ip":`...)
		b = jsonstr.Append(b, x.Value)
	case indicator.Domain, indicator.Hostname:
		b = append(b, `domain-name","url":{"domain":`...)
		b = jsonstr.Append(b, x.Value)
		b = append(b, '}')
	case indicator.URL:
		b = append(b, `url","url":{`...)
		scheme, host, port := splitURL(x.Value)
		if scheme != "" {
			b = append(b, `"full":`...)
			b = jsonstr.Append(b, x.Value)
			b = append(b, `,"scheme":`...)
			b = jsonstr.Append(b, scheme)
			b = append(b, ',')
		}
		b = append(b, `"original":`...)
		b = jsonstr.Append(b, x.Value)
		if host != "" {
			b = append(b, `,"domain":`...)
			b = jsonstr.Append(b, host)
		}
		if port != "" {
			b = append(b, `,"port":`...)
			b = append(b, port...)
		}
		b = append(b, '}')
	case indicator.MD5, indicator.SHA1, indicator.SHA256:
		b = append(b, `file","file":{"hash":{"`...)
		b = append(b, x.Type.String()...)
		b = append(b, `":`...)
		b = jsonstr.Append(b, x.Value)
		b = append(b, "}}"...)
	case indicator.Imphash:
		b = append(b, `file","file":{"pe":{"imphash":`...)
		b = jsonstr.Append(b, x.Value)
		b = append(b, "}}"...)
	case indicator.Email:
		b = append(b, `email-addr","email":{"address":`...)
		b = jsonstr.Append(b, x.Value)
		b = append(b, '}')
	}
	if x.Timestamp > 0 && x.Timestamp <= lastDate {
		b = append(b, `,"modified_at":"`...)
		n := len(b)
		b = e.appendDate(b, x.Timestamp)
		b = append(b, `","last_seen":"`...)
		b = append(b, b[n:n+len(dateLayout)]...)
		b = append(b, '"')
	}
	b = appendDescription(b, x)
	if e.c.reference != "" && x.EventID != 0 {
		b = append(b, `,"reference":`...)
		b = jsonstr.Append(b, strings.ReplaceAll(e.c.reference, "{event_id}", strconv.FormatInt(x.EventID, 10)))
	}
	b = append(b, "}}}\n"...)
	e.buf = b
	return b
}

// appendDate appends unix time ts in dateLayout; the date part is
// formatted once per day.
func (e *encoder) appendDate(b []byte, ts int64) []byte {
	day, sec := ts/86400, ts%86400
	if day != e.day {
		e.day = day
		e.date = time.Unix(day*86400, 0).UTC().AppendFormat(e.date[:0], "2006-01-02T")
	}
	b = append(b, e.date...)
	h, m, s := sec/3600, sec/60%60, sec%60
	return append(b, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+s/10), byte('0'+s%10), '.', '0', '0', '0', 'Z')
}

// appendDescription appends the "description" member saying where the
// indicator came from (MISP type, category, event, attribute, to_ids),
// or nothing when nothing is known. Control characters are escaped, so
// the document stays on one line.
func appendDescription(b []byte, x indicator.Indicator) []byte {
	n := len(b)
	b = append(b, `,"description":"`...)
	start := len(b)
	sep := func() {
		if len(b) > start {
			b = append(b, "; "...)
		}
	}
	if x.MISPType != "" {
		b = append(b, "MISP "...)
		b = jsonstr.AppendEscaped(b, x.MISPType)
	}
	if x.Category != "" {
		sep()
		b = jsonstr.AppendEscaped(b, x.Category)
	}
	if x.EventID != 0 {
		sep()
		b = strconv.AppendInt(append(b, "event "...), x.EventID, 10)
	}
	if x.UUID != "" {
		sep()
		b = jsonstr.AppendEscaped(append(b, "attribute "...), x.UUID)
	}
	if x.ToIDS {
		sep()
		b = append(b, "to_ids"...)
	}
	if len(b) == start {
		return b[:n]
	}
	return append(b, '"')
}

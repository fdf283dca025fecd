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

// encoder builds documents; the parts every document shares are made
// once.
type encoder struct {
	c      config
	head   []byte // from the opening brace to threat.indicator's first field
	buf    []byte
	lastTS int64
	tsText []byte
}

func newEncoder(c config, req renderers.Request) *encoder {
	h := []byte(`{"@timestamp":"`)
	h = req.Generated.UTC().AppendFormat(h, dateLayout)
	h = append(h, `","ecs":{"version":"`+ECSVersion+`"},"event":{"kind":"enrichment","category":["threat"],"type":["indicator"]},"threat":{`...)
	if feed := strings.TrimSpace(req.Site + " " + req.Feed); feed != "" {
		h = append(h, `"feed":{"name":`...)
		h = jsonstr.Append(h, oneLine("Cratos "+feed))
		h = append(h, "},"...)
	}
	h = append(h, `"indicator":{"provider":`...)
	h = jsonstr.Append(h, c.provider)
	if c.tlp != "" {
		h = append(h, `,"marking":{"tlp":"`+c.tlp+`"}`...)
	}
	return &encoder{c: c, head: h, lastTS: -1}
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
	if x.Timestamp > 0 {
		if x.Timestamp != e.lastTS {
			e.lastTS = x.Timestamp
			e.tsText = time.Unix(x.Timestamp, 0).UTC().AppendFormat(e.tsText[:0], dateLayout)
		}
		b = append(b, `,"modified_at":"`...)
		b = append(b, e.tsText...)
		b = append(b, `","last_seen":"`...)
		b = append(b, e.tsText...)
		b = append(b, '"')
	}
	if desc := description(x); desc != "" {
		b = append(b, `,"description":`...)
		b = jsonstr.Append(b, desc)
	}
	if e.c.reference != "" && x.EventID != 0 {
		b = append(b, `,"reference":`...)
		b = jsonstr.Append(b, strings.ReplaceAll(e.c.reference, "{event_id}", strconv.FormatInt(x.EventID, 10)))
	}
	b = append(b, "}}}\n"...)
	e.buf = b
	return b
}

// description says where the indicator came from.
func description(x indicator.Indicator) string {
	var parts []string
	if x.MISPType != "" {
		parts = append(parts, "MISP "+x.MISPType)
	}
	if x.Category != "" {
		parts = append(parts, x.Category)
	}
	if x.EventID != 0 {
		parts = append(parts, "event "+strconv.FormatInt(x.EventID, 10))
	}
	if x.UUID != "" {
		parts = append(parts, "attribute "+x.UUID)
	}
	if x.ToIDS {
		parts = append(parts, "to_ids")
	}
	return oneLine(strings.Join(parts, "; "))
}

// oneLine replaces control characters and invalid UTF-8 by spaces.
func oneLine(s string) string {
	if plainText(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, " "))
}

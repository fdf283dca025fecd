package mispview

import (
	"errors"
	"slices"

	"github.com/valyala/fastjson"

	jsonr "github.com/cratos-project/cratos/renderers/json"
)

const (
	textType = "text/plain; charset=utf-8"
	jsonType = "application/json"
	xmlType  = "text/xml; charset=utf-8"
	xmlHead  = `<?xml version="1.0" encoding="UTF-8" ?><Warninglists>`
)

// warninglistIndex writes MISP's /warninglists/index answer: each list's
// fields as "key: value" blocks (txt), the Warninglists array (json,
// yaml), or dicttoxml's document (xml). A txt line whose key or value
// breaks lines, and an xml list holding a value XML 1.0 cannot carry, are
// left out and counted in Answer.Dropped.
func warninglistIndex(doc *fastjson.Value, out string) (Answer, error) {
	all := doc.Get("Warninglists")
	if all == nil {
		return Answer{}, errors.New("answer has no Warninglists")
	}
	lists := all.GetArray()
	var b []byte
	switch out {
	case "txt":
		d := drops{}
		for _, l := range lists {
			if o := l.GetObject("Warninglist"); o != nil {
				o.Visit(func(k []byte, v *fastjson.Value) {
					text := scalarText(v)
					if breaksLine(string(k)) || breaksLine(text) {
						d[DropControlChar]++
						return
					}
					b = append(append(append(append(b, k...), ": "...), text...), "\r\n"...)
				})
			}
			b = append(b, "\r\n"...)
		}
		return Answer{Body: b, ContentType: textType, Dropped: d.header()}, nil
	case "json":
		return Answer{Body: appendPyJSON(b, all), ContentType: jsonType}, nil
	case "yaml":
		if len(lists) == 0 {
			b = append(b, "--- []\n"...)
		} else {
			b = append(b, "---\n"...)
		}
		return Answer{Body: appendYAMLValue(b, all, 0), ContentType: textType}, nil
	}
	d := drops{}
	b = append(b, xmlHead...)
	for _, l := range lists {
		wl := l.Get("Warninglist")
		if why := xmlUnfit(wl); why != "" {
			d[why]++
			continue
		}
		b = append(b, "<item>"...)
		b = appendXMLValue(b, "Warninglist", wl)
		b = append(b, "</item>"...)
	}
	return Answer{Body: append(b, "</Warninglists>"...), ContentType: xmlType, Dropped: d.header()}, nil
}

// warninglistView writes MISP's /warninglists/view answer body: the
// entries' values one a line (txt), dicttoxml's document of the entries
// (xml), or the sorted distinct values (json, yaml). A txt value that
// breaks lines, and an xml entry holding a value XML 1.0 cannot carry,
// are left out and counted in Answer.Dropped.
func warninglistView(body []byte, out string) (Answer, error) {
	var b []byte
	d := drops{}
	seen := map[string]bool{}
	var values []string
	if out == "xml" {
		b = append(b, xmlHead...)
	}
	err := viewEntries(body, func(e *fastjson.Value) {
		switch out {
		case "txt":
			v := e.GetStringBytes("value")
			if breaksLine(string(v)) {
				d[DropControlChar]++
				return
			}
			b = append(append(b, v...), "\r\n"...)
		case "xml":
			if why := xmlUnfit(e); why != "" {
				d[why]++
				return
			}
			b = appendXMLValue(b, "item", e)
		default:
			if v := e.GetStringBytes("value"); !seen[string(v)] {
				seen[string(v)] = true
				values = append(values, string(v))
			}
		}
	})
	if err != nil {
		return Answer{}, err
	}
	switch out {
	case "txt":
		return Answer{Body: b, ContentType: textType, Dropped: d.header()}, nil
	case "xml":
		return Answer{Body: append(b, "</Warninglists>"...), ContentType: xmlType, Dropped: d.header()}, nil
	}
	slices.Sort(values)
	if out == "json" {
		b = append(b, '[')
		for i, v := range values {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = jsonr.AppendString(b, v)
		}
		return Answer{Body: append(b, ']'), ContentType: jsonType}, nil
	}
	return Answer{Body: pyYAMLList(values), ContentType: textType}, nil
}

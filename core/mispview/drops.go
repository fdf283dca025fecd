package mispview

import (
	"unicode"

	"github.com/valyala/fastjson"

	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/xml"
)

// DropControlChar is the reason a txt line is left out: its value holds a
// control character or a line separator.
const DropControlChar = "control character in a txt line"

// drops counts the values left out of an answer, by reason.
type drops map[string]int

// header formats d as the X-Cratos-Dropped header.
func (d drops) header() string { return renderers.DroppedHeader(d) }

// breaksLine reports whether s holds a control character other than tab
// (C0, DEL, C1) or a Unicode line or paragraph separator: a reader of one
// entry per line would split the value into entries the list does not
// have, or cut it at a NUL.
func breaksLine(s string) bool {
	for _, r := range s {
		if r != '\t' && unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}

// xmlUnfit returns why v cannot be written in an XML 1.0 document, as
// the xml renderer's reasons (a string with a character XML forbids, or
// invalid UTF-8), or "" when it can. Keys need no check: xmlName makes
// them ASCII names.
func xmlUnfit(v *fastjson.Value) string {
	if v == nil {
		return ""
	}
	why := ""
	switch v.Type() {
	case fastjson.TypeString:
		why = xml.Unfit(string(v.GetStringBytes()))
	case fastjson.TypeObject:
		o, _ := v.Object()
		o.Visit(func(_ []byte, val *fastjson.Value) {
			if why == "" {
				why = xmlUnfit(val)
			}
		})
	case fastjson.TypeArray:
		for _, item := range v.GetArray() {
			if why = xmlUnfit(item); why != "" {
				break
			}
		}
	}
	return why
}

package mispview

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/valyala/fastjson"

	jsonr "github.com/cratos-project/cratos/renderers/json"
	"github.com/cratos-project/cratos/renderers/yaml"
)

// scalarText prints a JSON scalar as Python's str() would.
func scalarText(v *fastjson.Value) string {
	switch v.Type() {
	case fastjson.TypeString:
		return string(v.GetStringBytes())
	case fastjson.TypeTrue:
		return "True"
	case fastjson.TypeFalse:
		return "False"
	case fastjson.TypeNull:
		return "None"
	}
	return v.String()
}

// appendPyJSON appends v as Python's json.dumps writes it: ", " and ": "
// separators, keys in their original order, strings by the json
// renderer's encoder (non-ASCII as \u escapes).
func appendPyJSON(b []byte, v *fastjson.Value) []byte {
	switch v.Type() {
	case fastjson.TypeObject:
		b = append(b, '{')
		first := true
		o, _ := v.Object()
		o.Visit(func(k []byte, val *fastjson.Value) {
			if !first {
				b = append(b, ", "...)
			}
			first = false
			b = append(jsonr.AppendString(b, string(k)), ": "...)
			b = appendPyJSON(b, val)
		})
		return append(b, '}')
	case fastjson.TypeArray:
		b = append(b, '[')
		for i, item := range v.GetArray() {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendPyJSON(b, item)
		}
		return append(b, ']')
	case fastjson.TypeString:
		return jsonr.AppendString(b, string(v.GetStringBytes()))
	}
	return append(b, v.String()...)
}

// appendYAMLValue appends a block-style YAML rendering of v (lists of
// scalars and of flat objects, which is what warninglists hold).
func appendYAMLValue(b []byte, v *fastjson.Value, indent int) []byte {
	pad := strings.Repeat("  ", indent)
	switch v.Type() {
	case fastjson.TypeArray:
		for _, item := range v.GetArray() {
			b = append(b, pad+"- "...)
			if item.Type() == fastjson.TypeObject {
				b = appendYAMLObject(b, item, indent+1, true)
			} else {
				b = append(b, yamlScalar(item)+"\n"...)
			}
		}
		return b
	case fastjson.TypeObject:
		return appendYAMLObject(b, v, indent, false)
	}
	return append(b, yamlScalar(v)+"\n"...)
}

func appendYAMLObject(b []byte, v *fastjson.Value, indent int, inList bool) []byte {
	o, _ := v.Object()
	type field struct {
		k string
		v *fastjson.Value
	}
	var fields []field
	o.Visit(func(k []byte, v *fastjson.Value) { fields = append(fields, field{string(k), v}) })
	// yaml.dump sorts keys; a repeated key keeps its first value.
	slices.SortStableFunc(fields, func(a, b field) int { return strings.Compare(a.k, b.k) })
	pad := strings.Repeat("  ", indent)
	for i, f := range fields {
		if i > 0 && f.k == fields[i-1].k {
			f.v = fields[i-1].v
			fields[i] = f
		}
		k, val := f.k, f.v
		if !inList || i > 0 {
			b = append(b, pad...)
		}
		switch val.Type() {
		case fastjson.TypeObject:
			b = append(b, yamlString(k)+":\n"...)
			b = appendYAMLObject(b, val, indent+1, false)
		case fastjson.TypeArray:
			if len(val.GetArray()) == 0 {
				b = append(b, yamlString(k)+": []\n"...)
				continue
			}
			b = append(b, yamlString(k)+":\n"...)
			b = appendYAMLValue(b, val, indent)
		default:
			b = append(b, yamlString(k)+": "+yamlScalar(val)+"\n"...)
		}
	}
	return b
}

func yamlScalar(v *fastjson.Value) string {
	switch v.Type() {
	case fastjson.TypeString:
		return yamlString(string(v.GetStringBytes()))
	case fastjson.TypeTrue:
		return "true"
	case fastjson.TypeFalse:
		return "false"
	case fastjson.TypeNull:
		return "null"
	}
	return v.String()
}

// yamlString writes s as PyYAML does, by the yaml renderer's emitter,
// when PyYAML writes it on one line; a value PyYAML would fold over lines
// (which depends on its column) keeps the simpler quoting of
// yamlStringFallback.
func yamlString(s string) string {
	item := string(yaml.AppendItem(nil, s))
	if out, ok := strings.CutPrefix(item, "\n- "); ok && !strings.Contains(out, "\n") && len(out) <= 60 {
		return out
	}
	return yamlStringFallback(s)
}

// yamlStringFallback quotes s when a plain scalar would change its meaning.
func yamlStringFallback(s string) string {
	plain := s != "" && !strings.ContainsAny(s, ":#{}[],&*!|>'\"%@`\n\t") && s == strings.TrimSpace(s) &&
		!strings.HasPrefix(s, "-") && !strings.HasPrefix(s, "?")
	if plain {
		switch strings.ToLower(s) {
		case "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n":
			plain = false
		}
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			plain = false
		}
	}
	for _, r := range s {
		if r > 0x7e || r < 0x20 {
			return string(jsonr.AppendString(nil, s))
		}
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// pyYAMLList is yaml.dump of a list of strings: the bytes of the yaml
// renderer, which follows PyYAML's emitter.
func pyYAMLList(values []string) []byte {
	if len(values) == 0 {
		return []byte("--- []\n")
	}
	b := []byte("---")
	for _, v := range values {
		b = yaml.AppendItem(b, v)
	}
	return append(b, '\n')
}

// appendXMLValue appends v as dicttoxml does without type attributes:
// objects as child elements, lists as <item> elements; nil (a missing
// value) is an empty element, as null is.
func appendXMLValue(b []byte, name string, v *fastjson.Value) []byte {
	b = append(append(append(b, '<'), name...), '>')
	if v == nil {
		return append(append(append(b, "</"...), name...), '>')
	}
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		o.Visit(func(k []byte, val *fastjson.Value) { b = appendXMLValue(b, xmlName(string(k)), val) })
	case fastjson.TypeArray:
		for _, item := range v.GetArray() {
			b = appendXMLValue(b, "item", item)
		}
	default:
		b = append(b, dicttoxmlText(v)...)
	}
	return append(append(append(b, "</"...), name...), '>')
}

// xmlName makes a JSON key a valid element name.
func xmlName(k string) string {
	var b strings.Builder
	for i, r := range k {
		ok := r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r >= '0' && r <= '9' || r == '-' || r == '.')
		if ok {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "key"
	}
	return b.String()
}

// dicttoxmlText is a JSON scalar as the original's dicttoxml writes it:
// booleans lower-case, null as nothing, strings escaped with its five
// entities (&apos; and &quot;, not numeric references). This is not the
// xml renderer's AppendText, which keeps quotes and writes a carriage
// return as &#13;, as the original's list serialiser does.
func dicttoxmlText(v *fastjson.Value) string {
	switch v.Type() {
	case fastjson.TypeString:
		return xmlEntities.Replace(string(v.GetStringBytes()))
	case fastjson.TypeTrue:
		return "true"
	case fastjson.TypeFalse:
		return "false"
	case fastjson.TypeNull:
		return ""
	}
	return xmlEntities.Replace(v.String())
}

var xmlEntities = strings.NewReplacer("&", "&amp;", `"`, "&quot;", "'", "&apos;", "<", "&lt;", ">", "&gt;")

// rawJSON embeds MISP's own JSON in an answer unchanged.
type rawJSON []byte

// MarshalJSON implements json.Marshaler.
func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

// orderedMap is a JSON object that keeps its key order.
type orderedMap []struct {
	k string
	v any
}

// MarshalJSON implements json.Marshaler.
func (m orderedMap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range m {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(kv.k)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(kv.v)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fastjson"

	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/misp"
)

var warninglistOutputs = []string{"txt", "json", "xml", "yaml"}

func (s *Server) mispClient(cl *caller, timeout time.Duration) *misp.Client {
	t := time.Duration(cl.site.MISPTimeoutSeconds) * time.Second
	if timeout > 0 && timeout < t {
		t = timeout
	}
	return misp.New(misp.Options{Site: cl.site.Name, BaseURL: cl.claims.BaseURL(), Key: cl.claims.Key, Timeout: t, VerifyCert: cl.site.VerifyCert(), UserAgent: "Cratos/" + Version})
}

// mispGet GETs a MISP path and parses the JSON answer; on failure it has
// answered the client already and returns nil.
func (s *Server) mispGet(c *fiber.Ctx, cl *caller, path string, timeout time.Duration) (*fastjson.Value, error) {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Minute)
	defer cancel()
	body, err := s.mispClient(cl, timeout).GetJSON(ctx, path)
	if err != nil {
		status, msg := upstream(err)
		return nil, detail(c, status, msg)
	}
	v, err := fastjson.ParseBytes(body)
	if err != nil {
		return nil, detail(c, fiber.StatusBadGateway, "MISP "+cl.site.Name+": answered with malformed JSON")
	}
	return v, nil
}

// rawJSON embeds MISP's own JSON in an answer unchanged.
type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

func (s *Server) check(c *fiber.Ctx) error {
	cl := callerOf(c)
	v, err := s.mispGet(c, cl, "/servers/getVersion.json", 5*time.Second)
	if v == nil {
		return err
	}
	if v.Type() != fastjson.TypeObject || v.Get("version") == nil {
		return detail(c, fiber.StatusBadGateway, "MISP "+cl.site.Name+": answer has no version")
	}
	return c.JSON(orderedMap{
		{"status_code", 200}, {"encoding", "utf-8"}, {"content", rawJSON(v.MarshalTo(nil))},
		{"misp_host", cl.claims.BaseURL()}, {"unixtimestamp", s.opts.Now().Unix()},
	})
}

func (s *Server) statistics(c *fiber.Ctx) error {
	cl := callerOf(c)
	v, err := s.mispGet(c, cl, "/attributes/attributeStatistics", 30*time.Second)
	if v == nil {
		return err
	}
	content := rawJSON(v.MarshalTo(nil))
	switch v.Type() {
	case fastjson.TypeObject:
	case fastjson.TypeArray:
		// An empty MISP answers [].
		content = rawJSON("{}")
	default:
		return detail(c, fiber.StatusBadGateway, "MISP "+cl.site.Name+": statistics are not an object")
	}
	return c.JSON(orderedMap{{"status_code", 200}, {"encoding", "utf-8"}, {"content", content}, {"misp_host", cl.claims.BaseURL()}})
}

func (s *Server) feedMapping(c *fiber.Ctx) error {
	cl := callerOf(c)
	var b strings.Builder
	for _, line := range export.FeedMapping(cl.site) {
		b.WriteString(line + "\r\n")
	}
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	return c.SendString(b.String())
}

func (s *Server) warninglist(c *fiber.Ctx) error {
	cl := callerOf(c)
	var v validation
	idStr := c.Params("warninglistId")
	id, perr := strconv.Atoi(idStr)
	switch {
	case perr != nil:
		v.add("path", "warninglistId", "int_parsing", "Input should be a valid integer, unable to parse string as an integer", idStr)
	case id < 0:
		v.add("path", "warninglistId", "greater_than_equal", "Input should be greater than or equal to 0", idStr)
	case id > 1000:
		v.add("path", "warninglistId", "less_than_equal", "Input should be less than or equal to 1000", idStr)
	}
	out := c.Params("returnedDataType")
	if !slices.Contains(warninglistOutputs, out) {
		v.enum("path", "returnedDataType", out, warninglistOutputs)
	}
	if len(v) > 0 {
		return v.respond(c)
	}
	path := "/warninglists/index"
	if id > 0 {
		path = "/warninglists/view/" + strconv.Itoa(id)
	}
	doc, err := s.mispGet(c, cl, path, 30*time.Second)
	if doc == nil {
		return err
	}
	var body []byte
	var ct string
	if id == 0 {
		body, ct, err = warninglistIndex(doc, out)
	} else {
		body, ct, err = warninglistView(doc, out)
	}
	if err != nil {
		return detail(c, fiber.StatusBadGateway, "MISP "+cl.site.Name+": "+err.Error())
	}
	c.Set(fiber.HeaderContentType, ct)
	return c.Send(body)
}

func warninglistIndex(doc *fastjson.Value, out string) ([]byte, string, error) {
	lists := doc.GetArray("Warninglists")
	if doc.Get("Warninglists") == nil {
		return nil, "", fmt.Errorf("answer has no Warninglists")
	}
	var b bytes.Buffer
	switch out {
	case "txt":
		for _, l := range lists {
			if o, err := l.Get("Warninglist").Object(); err == nil {
				o.Visit(func(k []byte, v *fastjson.Value) {
					b.WriteString(string(k) + ": " + scalarText(v) + "\r\n")
				})
			}
			b.WriteString("\r\n")
		}
		return b.Bytes(), "text/plain; charset=utf-8", nil
	case "json":
		pyJSON(&b, doc.Get("Warninglists"))
		return b.Bytes(), "application/json", nil
	case "yaml":
		b.WriteString("---\n")
		if len(lists) == 0 {
			b.Reset()
			b.WriteString("--- []\n")
		}
		yamlValue(&b, doc.Get("Warninglists"), 0, true)
		return b.Bytes(), "text/plain; charset=utf-8", nil
	}
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" ?><Warninglists>`)
	for _, l := range lists {
		b.WriteString("<item>")
		xmlValue(&b, "Warninglist", l.Get("Warninglist"))
		b.WriteString("</item>")
	}
	b.WriteString("</Warninglists>")
	return b.Bytes(), "text/xml; charset=utf-8", nil
}

func warninglistView(doc *fastjson.Value, out string) ([]byte, string, error) {
	wl := doc.Get("Warninglist")
	if wl == nil {
		return nil, "", fmt.Errorf("answer has no Warninglist")
	}
	entries := wl.GetArray("WarninglistEntry")
	var b bytes.Buffer
	if out == "txt" {
		for _, e := range entries {
			b.WriteString(string(e.GetStringBytes("value")) + "\r\n")
		}
		return b.Bytes(), "text/plain; charset=utf-8", nil
	}
	if out == "xml" {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8" ?><Warninglists>`)
		for _, e := range entries {
			xmlValue(&b, "item", e)
		}
		b.WriteString("</Warninglists>")
		return b.Bytes(), "text/xml; charset=utf-8", nil
	}
	seen := map[string]bool{}
	var values []string
	for _, e := range entries {
		v := string(e.GetStringBytes("value"))
		if !seen[v] {
			seen[v] = true
			values = append(values, v)
		}
	}
	slices.Sort(values)
	arr := new(fastjson.Arena).NewArray()
	var a fastjson.Arena
	for i, v := range values {
		arr.SetArrayItem(i, a.NewString(v))
	}
	if out == "json" {
		pyJSON(&b, arr)
		return b.Bytes(), "application/json", nil
	}
	return pyYAMLList(values), "text/plain; charset=utf-8", nil
}

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

// pyJSON writes v as Python's json.dumps does: ", " and ": " separators,
// non-ASCII as \u escapes, keys in their original order.
func pyJSON(b *bytes.Buffer, v *fastjson.Value) {
	switch v.Type() {
	case fastjson.TypeObject:
		b.WriteByte('{')
		first := true
		o, _ := v.Object()
		o.Visit(func(k []byte, val *fastjson.Value) {
			if !first {
				b.WriteString(", ")
			}
			first = false
			pyString(b, string(k))
			b.WriteString(": ")
			pyJSON(b, val)
		})
		b.WriteByte('}')
	case fastjson.TypeArray:
		b.WriteByte('[')
		for i, item := range v.GetArray() {
			if i > 0 {
				b.WriteString(", ")
			}
			pyJSON(b, item)
		}
		b.WriteByte(']')
	case fastjson.TypeString:
		pyString(b, string(v.GetStringBytes()))
	default:
		b.WriteString(v.String())
	}
}

func pyString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || r > 0x7e && r < 0x10000:
			fmt.Fprintf(b, `\u%04x`, r)
		case r >= 0x10000:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(b, `\u%04x\u%04x`, r1, r2)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// yamlValue writes a block-style YAML rendering of v (lists of scalars and
// of flat objects, which is what warninglists hold).
func yamlValue(b *bytes.Buffer, v *fastjson.Value, indent int, top bool) {
	pad := strings.Repeat("  ", indent)
	switch v.Type() {
	case fastjson.TypeArray:
		for _, item := range v.GetArray() {
			b.WriteString(pad + "- ")
			if item.Type() == fastjson.TypeObject {
				yamlObject(b, item, indent+1, true)
			} else {
				b.WriteString(yamlScalar(item) + "\n")
			}
		}
	case fastjson.TypeObject:
		yamlObject(b, v, indent, false)
	default:
		b.WriteString(yamlScalar(v) + "\n")
	}
}

func yamlObject(b *bytes.Buffer, v *fastjson.Value, indent int, inList bool) {
	o, _ := v.Object()
	var keys []string
	o.Visit(func(k []byte, _ *fastjson.Value) { keys = append(keys, string(k)) })
	slices.Sort(keys) // yaml.dump sorts keys
	pad := strings.Repeat("  ", indent)
	for i, k := range keys {
		if !(inList && i == 0) {
			b.WriteString(pad)
		}
		val := o.Get(k)
		switch val.Type() {
		case fastjson.TypeObject:
			b.WriteString(yamlKey(k) + ":\n")
			yamlObject(b, val, indent+1, false)
		case fastjson.TypeArray:
			if len(val.GetArray()) == 0 {
				b.WriteString(yamlKey(k) + ": []\n")
				continue
			}
			b.WriteString(yamlKey(k) + ":\n")
			yamlValue(b, val, indent, false)
		default:
			b.WriteString(yamlKey(k) + ": " + yamlScalar(val) + "\n")
		}
	}
}

func yamlKey(k string) string { return yamlString(k) }

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

// yamlString writes s as PyYAML does: plain, single- or double-quoted by
// PyYAML's rules (short values; a value PyYAML would fold keeps the
// simpler quoting below).
func yamlString(s string) string {
	if out, ok := pyYAMLScalar(s); ok {
		return out
	}
	return yamlStringFallback(s)
}

// yamlStringFallback quotes s when a plain scalar would change its meaning.
func yamlStringFallback(s string) string {
	plain := s != "" && !strings.ContainsAny(s, ":#{}[],&*!|>'\"%@`\n\t") && s == strings.TrimSpace(s) &&
		!strings.HasPrefix(s, "-") && !strings.HasPrefix(s, "?")
	if plain {
		low := strings.ToLower(s)
		switch low {
		case "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n":
			plain = false
		}
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			plain = false
		}
	}
	for _, r := range s {
		if r > 0x7e || r < 0x20 {
			plain = false
			var b bytes.Buffer
			pyString(&b, s)
			return b.String()
		}
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// xmlValue writes v as dicttoxml does without type attributes: objects as
// child elements, lists as <item> elements.
func xmlValue(b *bytes.Buffer, name string, v *fastjson.Value) {
	b.WriteString("<" + name + ">")
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		o.Visit(func(k []byte, val *fastjson.Value) { xmlValue(b, xmlName(string(k)), val) })
	case fastjson.TypeArray:
		for _, item := range v.GetArray() {
			xmlValue(b, "item", item)
		}
	default:
		b.WriteString(dicttoxmlText(v))
	}
	b.WriteString("</" + name + ">")
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

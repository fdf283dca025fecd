package server

import (
	"strings"

	"github.com/valyala/fastjson"

	"github.com/cratos-project/cratos/renderers/yaml"
)

// dicttoxmlText is a JSON scalar as the original's dicttoxml writes it:
// booleans lower-case, null as nothing, strings escaped with its five
// entities (&apos; and &quot;, not numeric references).
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

// pyYAMLList is yaml.dump of a list of strings: the bytes of the yaml
// output's renderer, which follows PyYAML's emitter.
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

// pyYAMLScalar returns s as PyYAML writes a short scalar (plain, quoted
// or escaped by its rules), or false when PyYAML would fold it over
// lines, which depends on the column it starts at.
func pyYAMLScalar(s string) (string, bool) {
	item := string(yaml.AppendItem(nil, s))
	out, ok := strings.CutPrefix(item, "\n- ")
	if !ok || strings.Contains(out, "\n") || len(out) > 60 {
		return "", false
	}
	return out, true
}

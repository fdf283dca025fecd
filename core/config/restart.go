package config

import (
	"reflect"
	"strings"
)

// reloadedKeys are the config.yaml keys a reload applies; every other
// setting takes a restart.
var reloadedKeys = map[string]bool{"admin_tokens": true}

// RestartChanges names the settings of c, read again on a reload, that
// differ from running's, the configuration the service runs with, and
// that only a restart applies: config.yaml keys in the order of Config (a
// section's as dns.listen), then mappings.yaml. Both are to carry the same command-line overrides.
func (c *Config) RestartChanges(running *Config) []string {
	out := restartChanges("", reflect.ValueOf(*c), reflect.ValueOf(*running))
	if !reflect.DeepEqual(c.Mappings, running.Mappings) {
		out = append(out, "mappings.yaml")
	}
	return out
}

// restartChanges compares the yaml-keyed fields of two structs, inline
// ones included; a section (dns, never_block) is compared key by key,
// each named after it (dns.listen).
func restartChanges(prefix string, now, was reflect.Value) []string {
	var out []string
	for i := range now.NumField() {
		f := now.Type().Field(i)
		key, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		a, b := now.Field(i), was.Field(i)
		switch {
		case !f.IsExported() || key == "-":
		case opts == "inline":
			out = append(out, restartChanges(prefix, a, b)...)
		case reloadedKeys[prefix+key]:
		case a.Kind() == reflect.Pointer && !a.IsNil() && !b.IsNil() && keyedSection(a.Elem().Type()):
			out = append(out, restartChanges(prefix+key+".", a.Elem(), b.Elem())...)
		case keyedSection(a.Type()):
			out = append(out, restartChanges(prefix+key+".", a, b)...)
		case !reflect.DeepEqual(a.Interface(), b.Interface()):
			out = append(out, prefix+key)
		}
	}
	return out
}

// keyedSection reports a struct whose every field is a yaml key, so that
// comparing them key by key misses nothing.
func keyedSection(t reflect.Type) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	for f := range t.Fields() {
		if !f.IsExported() || f.Tag.Get("yaml") == "" {
			return false
		}
	}
	return true
}

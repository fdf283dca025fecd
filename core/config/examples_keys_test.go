package config

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// nestedYAMLKeys lists the YAML keys of t's fields and, for fields that are
// structs (or pointers, slices or maps of them), of theirs; inline
// structs add their keys at the same level.
func nestedYAMLKeys(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var keys []string
	for f := range t.Fields() {
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name != "" {
			keys = append(keys, name)
		} else if opts != "inline" {
			continue
		}
		keys = append(keys, nestedYAMLKeys(f.Type)...)
	}
	return keys
}

// TestExamplesShowEveryKey: the README says config/config.yaml.example
// and sites/misp.example.net.yaml show every key; each key of Config and
// Site, nested ones included, is in its example, set or commented out.
func TestExamplesShowEveryKey(t *testing.T) {
	for _, tc := range []struct {
		file string
		typ  reflect.Type
	}{
		{"../../config/config.yaml.example", reflect.TypeFor[Config]()},
		{"../../sites/misp.example.net.yaml", reflect.TypeFor[Site]()},
	} {
		data, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range nestedYAMLKeys(tc.typ) {
			if !regexp.MustCompile(`(?m)(^|[\s{#,-])` + regexp.QuoteMeta(key) + `:`).Match(data) {
				t.Errorf("%s does not show %s", tc.file, key)
			}
		}
	}
}

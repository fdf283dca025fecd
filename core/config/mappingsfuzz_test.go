package config

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// FuzzMappingsDecodeAsTheDecoder decodes arbitrary mappings.yaml files
// pair by pair and as the YAML decoder does on its own: the same error,
// or the same types table.
func FuzzMappingsDecodeAsTheDecoder(f *testing.F) {
	for _, doc := range []string{
		"types:\n  ipv4: [ip-dst]\noutput: [txt, json]\nfeeds: {}\nages: {1d: \"-1 day\"}\n",
		"output: {a: 1, b: {c: 2, c: 3}, a: [x]}\n",
		"types: {ipv4: [a], ipv4: 5}\nfeeds: [{<<: {a: 1}}]\n",
		"output: &o {a: !!int x}\nages: *o\n",
		"feeds: {? [a] : 1, 1: 2, \"1\": 3}\n",
		"output: {0: {c,c},{c,c}}",
	} {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var got mappingsFile
		var want legacyMappingsFile
		gotErr := decodeStrict("mappings.yaml", b, &got)
		wantErr := decodeStrict("mappings.yaml", b, &want)
		// The decoder names the struct: the legacy one has another name.
		if fmt.Sprint(gotErr) != strings.ReplaceAll(fmt.Sprint(wantErr), "legacyMappingsFile", "mappingsFile") {
			t.Fatalf("error\n got: %v\nwant: %v", gotErr, wantErr)
		}
		if wantErr == nil && !reflect.DeepEqual(map[string][]string(got.Types), want.Types) {
			t.Fatalf("types: got %v, want %v", got.Types, want.Types)
		}
	})
}

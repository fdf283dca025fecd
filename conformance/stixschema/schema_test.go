package stixschema

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const (
	identityObj = `{"type":"identity","spec_version":"2.1","id":"identity--5b1c3b5e-4a8e-5c4f-9d2b-0a6b3c1d2e3f","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"Cratos","identity_class":"system"}`
	tlpGreen    = `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:GREEN","definition":{"tlp":"green"}}`
	tlp2Clear   = `{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487","created":"2022-10-01T00:00:00.000Z","name":"TLP:CLEAR","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"clear"}}}`
	goodInd     = `{"type":"indicator","spec_version":"2.1","id":"indicator--1a2b3c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d","created_by_ref":"identity--5b1c3b5e-4a8e-5c4f-9d2b-0a6b3c1d2e3f","created":"2026-01-02T10:00:00.000Z","modified":"2026-01-02T10:00:00.000Z","name":"ipv4: 198.51.100.7","indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","pattern_version":"2.1","valid_from":"2026-01-02T10:00:00.000Z","object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]}`
)

func bundle(objs ...string) string {
	return `{"type":"bundle","id":"bundle--0c3b2a1d-4e5f-5a6b-9c7d-8e9f0a1b2c3d","objects":[` + strings.Join(objs, ",") + `]}`
}

// edit returns obj with old replaced by new, failing when old is absent.
func edit(t *testing.T, obj, old, new string) string {
	t.Helper()
	if !strings.Contains(obj, old) {
		t.Fatalf("edit: %q not in %s", old, obj)
	}
	return strings.Replace(obj, old, new, 1)
}

func TestValidateBundleAccepts(t *testing.T) {
	v := ForTest(t)
	tests := []struct{ name, doc string }{
		{"identity only", bundle(identityObj)},
		{"no objects", `{"type":"bundle","id":"bundle--0c3b2a1d-4e5f-5a6b-9c7d-8e9f0a1b2c3d"}`},
		{"indicator with tlp 1.0", bundle(identityObj, tlpGreen, goodInd)},
		{"indicator with tlp 2.0", bundle(identityObj, tlp2Clear, edit(t, goodInd, "34098fce-860f-48ae-8e50-ebd3cc5e41da", "94868c89-83c2-464b-929b-a1a8aa3c8487"))},
		{"yara pattern is not parsed as stix", bundle(identityObj, tlpGreen, edit(t, goodInd, `"pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","pattern_version":"2.1"`, `"pattern":"rule x { condition: true }","pattern_type":"yara"`))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := v.ValidateBundle([]byte(tt.doc)); err != nil {
				t.Errorf("ValidateBundle = %v, want nil", err)
			}
		})
	}
}

// TestValidateBundleOASISExamples checks the validator against the
// examples shipped with the schemas.
func TestValidateBundleOASISExamples(t *testing.T) {
	v := ForTest(t)
	files, err := filepath.Glob(filepath.Join(SharedDir(), "examples", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var head struct{ Type string }
			if err := json.Unmarshal(data, &head); err != nil {
				t.Fatal(err)
			}
			// One example is a single object rather than a bundle.
			if head.Type == "bundle" {
				if err := v.ValidateBundle(data); err != nil {
					t.Errorf("ValidateBundle = %v", err)
				}
			} else if err := v.ValidateObject(data); err != nil {
				t.Errorf("ValidateObject = %v", err)
			}
		})
	}
}

func TestValidateBundleRejects(t *testing.T) {
	v := ForTest(t)
	tests := []struct{ name, doc, want string }{
		{"not json", `{"type":`, "decode bundle"},
		{"empty objects", bundle(), "bundle schema"},
		{"wrong bundle type", edit(t, bundle(identityObj), `"type":"bundle"`, `"type":"bundles"`), "bundle schema"},
		{"created without milliseconds", bundle(identityObj, tlpGreen, edit(t, goodInd, `"created":"2026-01-02T10:00:00.000Z"`, `"created":"2026-01-02T10:00:00Z"`)), "schema indicator"},
		{"uuid v7 id", bundle(identityObj, tlpGreen, edit(t, goodInd, "indicator--1a2b3c4d-5e6f-5a7b", "indicator--1a2b3c4d-5e6f-7a7b")), "schema indicator"},
		{"missing pattern_type", bundle(identityObj, tlpGreen, edit(t, goodInd, `"pattern_type":"stix",`, "")), "schema indicator"},
		{"missing spec_version", bundle(edit(t, identityObj, `"spec_version":"2.1",`, ""), tlpGreen, goodInd), "schema identity"},
		{"identity without name", bundle(edit(t, identityObj, `"name":"Cratos",`, ""), tlpGreen, goodInd), "schema identity"},
		{"tlp 1.0 with wrong created", bundle(identityObj, edit(t, tlpGreen, "2017-01-20", "2017-01-21"), goodInd), "schema marking-definition"},
		{"tlp 1.0 with wrong name", bundle(identityObj, edit(t, tlpGreen, "TLP:GREEN", "TLP:Green"), goodInd), "schema marking-definition"},
		{"bad stix pattern", bundle(identityObj, tlpGreen, edit(t, goodInd, `'198.51.100.7'`, `'198.51.100.7`)), "stix pattern"},
		{"hyphen path unquoted", bundle(identityObj, tlpGreen, edit(t, goodInd, `ipv4-addr:value = '198.51.100.7'`, `file:hashes.SHA-256 = 'aa'`)), "quote names holding '-'"},
		{"modified before created", bundle(identityObj, tlpGreen, edit(t, goodInd, `"modified":"2026-01-02T10:00:00.000Z"`, `"modified":"2026-01-02T09:59:59.999Z"`)), "is before created"},
		{"valid_until not after valid_from", bundle(identityObj, tlpGreen, edit(t, goodInd, `"valid_from"`, `"valid_until":"2026-01-02T10:00:00.000Z","valid_from"`)), "is not after valid_from"},
		{"duplicate id", bundle(identityObj, tlpGreen, goodInd, goodInd), "repeats objects[2]"},
		{"dangling created_by_ref", bundle(tlpGreen, goodInd), "reference identity--5b1c3b5e-4a8e-5c4f-9d2b-0a6b3c1d2e3f is not in the bundle"},
		{"dangling marking", bundle(identityObj, goodInd), "reference marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da is not in the bundle"},
		{"unknown type", bundle(identityObj, `{"type":"x-custom","id":"x-custom--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"}`), "no schema for object type \"x-custom\""},
		{"object not an object", bundle(identityObj, `"identity"`), "objects[1]: not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.ValidateBundle([]byte(tt.doc))
			if err == nil {
				t.Fatalf("ValidateBundle = nil, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ValidateBundle = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestValidateObject(t *testing.T) {
	v := ForTest(t)
	if err := v.ValidateObject([]byte(goodInd)); err != nil {
		t.Errorf("ValidateObject(good) = %v", err)
	}
	if err := v.ValidateObject([]byte(edit(t, goodInd, `"valid_from":"2026-01-02T10:00:00.000Z",`, ""))); err == nil || !strings.Contains(err.Error(), "valid_from") {
		t.Errorf("ValidateObject(no valid_from) = %v, want a valid_from error", err)
	}
	if err := v.ValidateObject([]byte(`[1]`)); err == nil || !strings.Contains(err.Error(), "not a JSON object") {
		t.Errorf("ValidateObject(array) = %v, want not a JSON object", err)
	}
}

func TestLoad(t *testing.T) {
	ForTest(t) // skips when the schemas are absent
	tests := []struct {
		name string
		dir  string
		ok   bool
	}{
		{"repository root", SharedDir(), true},
		{"schemas directory", filepath.Join(SharedDir(), "schemas"), true},
		{"missing", t.TempDir(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Load(tt.dir)
			if (err == nil) != tt.ok {
				t.Fatalf("Load(%s) error = %v, want ok=%v", tt.dir, err, tt.ok)
			}
			if tt.ok {
				types := v.Types()
				for _, want := range []string{"identity", "indicator", "marking-definition", "relationship", "url"} {
					if !slices.Contains(types, want) {
						t.Errorf("Types() = %v, missing %s", types, want)
					}
				}
			}
		})
	}
}

func TestLoaderRefusesOtherURLs(t *testing.T) {
	l := loader{dir: t.TempDir()}
	for _, u := range []string{"https://example.invalid/x.json", BaseURL + "../../etc/passwd"} {
		if _, err := l.Load(u); err == nil || !strings.Contains(err.Error(), "no local file") {
			t.Errorf("Load(%s) = %v, want no local file", u, err)
		}
	}
}

// TestValidateBundleLarge checks that the shortened bundle.json pass of a
// large bundle still finds a bad object anywhere in it.
func TestValidateBundleLarge(t *testing.T) {
	v := ForTest(t)
	many := func(last string) string {
		objs := []string{identityObj, tlpGreen}
		for i := range 600 {
			objs = append(objs, edit(t, goodInd, "0e1f2a3b4c5d", fmt.Sprintf("%012d", i)))
		}
		return bundle(append(objs, last)...)
	}
	tests := []struct{ name, last, want string }{
		{"valid", edit(t, goodInd, "0e1f2a3b4c5d", "ffffffffffff"), ""},
		{"bad timestamp last", edit(t, edit(t, goodInd, "0e1f2a3b4c5d", "ffffffffffff"), `"valid_from":"2026-01-02T10:00:00.000Z"`, `"valid_from":"2026-01-02 10:00"`), "objects[602]"},
		{"duplicate last", edit(t, goodInd, "0e1f2a3b4c5d", "000000000000"), "objects[602]: id indicator--1a2b3c4d-5e6f-5a7b-8c9d-000000000000 repeats objects[2]"},
		{"unknown type last", `{"type":"x-custom","id":"x-custom--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"}`, "no schema for object type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.ValidateBundle([]byte(many(tt.last)))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("ValidateBundle = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("ValidateBundle = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

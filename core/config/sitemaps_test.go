package config

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// siteMaps is a site file's renderers: and consumers: as decoded.
type siteMaps struct {
	Renderers rendererTable `yaml:"renderers"`
	Consumers consumerTable `yaml:"consumers"`
}

// plainSiteMaps is siteMaps as the decoder reads it on its own.
type plainSiteMaps struct {
	Renderers map[string]map[string]string `yaml:"renderers"`
	Consumers map[string]Consumer          `yaml:"consumers"`
}

// siteMapsDocs are site files' renderers: and consumers: that load, and
// that are refused for every reason the decoder has.
var siteMapsDocs = []string{
	"renderers: {txt: {a: 1, b: x}, edl: {}, rpz: ~}\nconsumers: {ab: {name: fw1, expect_every: 1h}, cd: {name: fw2}, ef: ~}\n",
	"renderers:\n  txt:\n    a: 1\n  edl:\n    b: 2\nconsumers:\n  ab:\n    name: fw1\n",
	"renderers: {}\nconsumers: {}\n",
	"renderers: ~\nconsumers:\n",
	"renderers: {txt: {a: 1}, edl: {b: 2}, txt: {c: 3}, edl: 4, x: 1, txt: 5}\n",
	"renderers: {txt: {a: 1, b: 2, a: 3, b: 4, c: 5}, edl: {a: [x]}, rpz: 5, q: {a: {b: c}}}\n",
	"renderers: {txt: {a: 1, a: 2}, edl: {a: 1, a: 2}}\nconsumers: {x: 1}\n",
	"renderers: [a]\nconsumers: x\n",
	"renderers: {1: {2: 3}, \"1\": {4: 5}, !!str 6: {!!int 7: 8}}\n",
	"renderers: {txt: &a {a: 1}, edl: *a}\n",
	"renderers: {txt: {<<: {a: 1}, b: 2}}\n",
	"renderers: {? [a] : {b: 1}}\n",
	"consumers: {ab: {name: fw1, nmae: fw2, expect_every: x}, cd: {expect_every: [1]}, ef: {typo: 1}}\n",
	"consumers: {ab: {name: fw1, name: fw2}, ab: {}, cd: 3}\n",
	"consumers: {ab: {name: fw1}, cd: {<<: {name: fw2}, name: fw3}}\n",
	"consumers: {ab: [1], cd: {name: {a: b}}, ~: {name: x}, ef: !!binary aGk=}\n",
	"consumers: {ab: {expect_every: 1.5}}\n",
	"consumers: {ab: {name: fw1}}\nrenderers: {txt: {a: 1}}\nconsumers: {cd: {}}\n",
	"renderers: {txt: {? [a] : 1, <<: {b: 1}}}\n",
}

// The renderers: and consumers: of a site file are decoded as the
// decoder does on its own: the same values, or the same error.
func TestSiteMapsDecodedAsBefore(t *testing.T) {
	for i, doc := range siteMapsDocs {
		t.Run(fmt.Sprint(i), func(t *testing.T) { checkSiteMaps(t, []byte(doc)) })
	}
}

func checkSiteMaps(t *testing.T, doc []byte) {
	t.Helper()
	var got siteMaps
	var want plainSiteMaps
	gotErr := decodeStrict("site.yaml", doc, &got)
	wantErr := decodeStrict("site.yaml", doc, &want)
	// The decoder names the struct: the plain one has another name.
	if fmt.Sprint(gotErr) != strings.ReplaceAll(fmt.Sprint(wantErr), "plainSiteMaps", "siteMaps") {
		t.Fatalf("%q: error\n got: %v\nwant: %v", doc, gotErr, wantErr)
	}
	if wantErr != nil {
		return
	}
	if !reflect.DeepEqual(map[string]map[string]string(got.Renderers), want.Renderers) ||
		!reflect.DeepEqual(map[string]Consumer(got.Consumers), want.Consumers) {
		t.Fatalf("%q: got %#v, want %#v", doc, got, want)
	}
}

// FuzzSiteMapsDecodeAsTheDecoder is TestSiteMapsDecodedAsBefore for any
// file.
func FuzzSiteMapsDecodeAsTheDecoder(f *testing.F) {
	for _, doc := range siteMapsDocs {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) { checkSiteMaps(t, doc) })
}

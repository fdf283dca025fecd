package config

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// legacyMappingsFile is mappingsFile as decoded before its large mappings
// were read pair by pair: the decoder's own reading, which they must match.
type legacyMappingsFile struct {
	Types  map[string][]string `yaml:"types"`
	Output any                 `yaml:"output"`
	Feeds  any                 `yaml:"feeds"`
	Ages   any                 `yaml:"ages"`
}

// A mappings.yaml is accepted, refused and reported exactly as the YAML
// decoder reads it on its own: duplicate keys (at any depth, once per two
// of them, in order), values of the wrong type, undecodable scalars,
// aliases and merge keys.
func TestMappingsDecodeAsTheDecoder(t *testing.T) {
	tests := []struct{ name, doc string }{
		{"original", "types:\n  ipv4: [ip-dst]\noutput: [txt, json]\nfeeds: {}\nages: {1d: \"-1 day\"}\n"},
		{"nulls", "types: {ipv4: ~}\noutput: ~\nfeeds:\nages: {a: ~}\n"},
		{"duplicate output key", "output: {a: 1, b: 2, a: 3}\n"},
		{"key thrice", "output:\n  a: 1\n  a: 2\n  b: 0\n  a: 3\n"},
		{"same value, other tag", "output: {1: a, \"1\": b}\n"},
		{"nested duplicates in order", "feeds: {x: {a: 1, a: 2}, y: [{b: 1, b: 2}], z: {c: 1}}\nages: {d: 1, d: 2}\n"},
		{"duplicate holding duplicates", "feeds: {x: {a: 1, a: 2}, x: 2}\n"},
		{"duplicate types", "types: {ipv4: [a], ipv6: [b], ipv4: [c]}\n"},
		{"types of the wrong kind", "types: {ipv4: 5, ipv6: {a: 1}, url: [x, {y: 1}], domain: [ok]}\n"},
		{"types not a mapping", "types: [ipv4]\n"},
		{"types a scalar", "types: ipv4\n"},
		{"undecodable scalar", "output: {a: 1, b: !!int abc}\n"},
		{"undecodable key", "ages: {!!int x: 1}\n"},
		{"undecodable after duplicates", "output: {a: 1, a: 2}\nfeeds: [!!float y]\n"},
		{"undecodable in types", "types: {ipv4: [!!int z]}\n"},
		{"bad binary", "feeds: {a: !!binary \"%%%\"}\n"},
		{"collection key", "output: {? [a, b] : 1}\n"},
		{"mapping key", "output: {? {a: 1} : 1}\n"},
		{"alias and merge", "output: &o {a: 1}\nfeeds: {<<: *o, b: 2}\nages: *o\n"},
		{"merge of a scalar", "feeds: {<<: 1, b: 2}\n"},
		{"aliased duplicates", "output: &o {a: 1, a: 2}\nages: *o\n"},
		{"aliased types", "output: &t [ip-dst]\ntypes: {ipv4: *t, ipv6: *t}\n"},
		{"unknown key", "typess: {}\noutput: {a: 1, a: 2}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got mappingsFile
			var want legacyMappingsFile
			gotErr := decodeStrict("mappings.yaml", []byte(tt.doc), &got)
			wantErr := decodeStrict("mappings.yaml", []byte(tt.doc), &want)
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("error\n got: %v\nwant: %v", gotErr, wantErr)
			}
			if wantErr == nil && !reflect.DeepEqual(map[string][]string(got.Types), want.Types) {
				t.Errorf("types: got %v, want %v", got.Types, want.Types)
			}
		})
	}
}

// largeMappings returns a mappings.yaml holding n keys in one mapping of
// the place shape names, or in as many mappings of one key in a list.
func largeMappings(shape string, n int) string {
	var b strings.Builder
	switch shape {
	case "sequence":
		b.WriteString("output: [")
	case "output mapping":
		b.WriteString("output: {")
	case "nested mapping":
		b.WriteString("feeds: {block: {")
	case "types":
		b.WriteString("types: {")
	}
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		// Short keys and values: 100,000 keys stay within the 1 MiB a
		// file may have.
		entry := "k" + strconv.FormatInt(int64(i), 36) + ": 1"
		switch shape {
		case "sequence":
			entry = "{" + entry + "}"
		case "types":
			entry = "k" + strconv.FormatInt(int64(i), 36) + ": [x]"
		}
		b.WriteString(entry)
	}
	switch shape {
	case "sequence":
		b.WriteString("]\n")
	case "nested mapping":
		b.WriteString("}}\n")
	default:
		b.WriteString("}\n")
	}
	return b.String()
}

// A mappings.yaml of tens of thousands of keys in one mapping loads in
// about the time it takes with each key in a mapping of its own. The decoder compared every key of a mapping
// with every other: 100,000 keys took half a minute to load (or to refuse),
// at start and at every reload. CPU time is compared, the best of three
// loads, so that other work on the machine weighs little (the old decoding
// took 13 times as long at this size, the new one 0.8 times).
func TestLargeMappingsLoadInLinearTime(t *testing.T) {
	const n = 30000
	loads := 3
	if testtool.RaceEnabled {
		loads = 1 // each takes some 1.5 s
	}
	load := func(t *testing.T, shape string) (best time.Duration) {
		path := layout(t, originalConfig, nil)
		mpath := filepath.Join(filepath.Dir(path), "mappings.yaml")
		if err := os.WriteFile(mpath, []byte(largeMappings(shape, n)), 0o600); err != nil {
			t.Fatal(err)
		}
		for range loads {
			start := testtool.CPUTime()
			_, err := Load(path)
			took := testtool.CPUTime() - start
			if refused := err != nil && strings.Contains(err.Error(), `unknown data type "kn5b"`); refused != (shape == "types") {
				t.Fatalf("%s: refused %v, want %v", shape, refused, shape == "types")
			}
			if best == 0 || took < best {
				best = took
			}
		}
		return max(best, 1)
	}
	if testtool.CPUTime() == 0 {
		t.Skip("no CPU time on this system")
	}
	base := load(t, "sequence")
	for _, shape := range []string{"output mapping", "nested mapping", "types"} {
		took := load(t, shape)
		if took > 4*base {
			t.Errorf("%s of %d keys: %.1f times the CPU time of as many one-key mappings, want at most 4", shape, n, float64(took)/float64(base))
		}
	}
}

// BenchmarkLoadLargeMappings loads a mappings.yaml whose output holds one
// mapping of 10,000 or 100,000 keys (BENCHMARKS.md).
func BenchmarkLoadLargeMappings(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			path := testtool.ConfigLayout(b, originalConfig, nil)
			mpath := filepath.Join(filepath.Dir(path), "mappings.yaml")
			if err := os.WriteFile(mpath, []byte(largeMappings("output mapping", n)), 0o600); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := Load(path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

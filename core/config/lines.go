package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// keyIndex finds keys in a document's mappings, each mapping indexed the
// first time it is searched: a file refused for tens of thousands of
// entries has as many messages, each looked for among every key.
type keyIndex map[*yaml.Node]map[string]int

// keyLine returns the line of the key reached by following keys from the
// document's top-level mapping (the first pair of a key given twice), or
// 0 when there is no such key.
func (x keyIndex) keyLine(doc *yaml.Node, keys ...string) int {
	if len(doc.Content) == 0 {
		return 0
	}
	n := doc.Content[0]
	line := 0
	for _, k := range keys {
		if n.Kind != yaml.MappingNode {
			return line
		}
		pairs, ok := x[n]
		if !ok {
			pairs = make(map[string]int, len(n.Content)/2)
			for i := 0; i+1 < len(n.Content); i += 2 {
				if _, dup := pairs[n.Content[i].Value]; !dup {
					pairs[n.Content[i].Value] = i
				}
			}
			x[n] = pairs
		}
		i, found := pairs[k]
		if !found {
			return line
		}
		line = n.Content[i].Line
		n = n.Content[i+1]
	}
	return line
}

// withLines prefixes each line of err's message with path:N, N being the
// line of the key the message starts with (a top-level key, or
// renderers.<name>), so that every validation error points into the file.
// The file is parsed once, however many errors there are.
func withLines(path string, data []byte, err error) error {
	if err == nil {
		return nil
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		doc = yaml.Node{}
	}
	msgs := strings.Split(err.Error(), "\n")
	index := keyIndex{}
	for i, m := range msgs {
		if line := index.keyLine(&doc, errorKeys(m)...); line > 0 {
			msgs[i] = fmt.Sprintf("%s:%d: %s", path, line, m)
		} else {
			msgs[i] = path + ": " + m
		}
	}
	return errors.New(strings.Join(msgs, "\n"))
}

// errorKeys reads the key path an error message starts with:
// "renderers.rpz: …" gives [renderers rpz], "plugins[0] (x): …" gives
// [plugins], "token_minting \"x\": …" gives [token_minting].
func errorKeys(msg string) []string {
	word, _, _ := strings.Cut(msg, " ")
	word = strings.TrimSuffix(word, ":")
	if i := strings.IndexByte(word, '['); i >= 0 {
		word = word[:i]
	}
	keys := strings.SplitN(word, ".", 2)
	if keys[0] == "dns" {
		return keys[:1]
	}
	return keys
}

// yamlKeys lists the yaml keys of the struct v points to.
func yamlKeys(v any) []string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// didYouMean returns ` (did you mean "k"?)` for the known key closest to
// name, when one is close enough to be a misspelling.
func didYouMean(name string, known []string) string {
	best, bestD := "", 4
	for _, k := range known {
		d := editDistance(strings.ToLower(name), strings.ToLower(k))
		if d < bestD && d <= max(1, len(k)/4) {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// tokenDigestLines returns the line of each item of
// blacklisted_api_tokens, in order (0 when unknown).
func tokenDigestLines(data []byte) []int {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	n := doc.Content[0]
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "blacklisted_api_tokens" {
			v := n.Content[i+1]
			if v.Kind != yaml.SequenceNode {
				return []int{v.Line}
			}
			out := make([]int, len(v.Content))
			for j, item := range v.Content {
				out[j] = item.Line
			}
			return out
		}
	}
	return nil
}

package config

import "gopkg.in/yaml.v3"

// A site file's renderers: and consumers: mappings may hold tens of
// thousands of keys, which the decoder compares each with every other
// (largemaps.go). They are decoded by the file's own decoder, so that a
// consumer's unknown field is still refused, from their node rewritten:
// a mapping without duplicate keys becomes one merge key (<<) over a
// sequence of one-pair mappings, which the decoder merges into the same
// map with the same results and errors, comparing no keys; a mapping
// with duplicates keeps only the pairs of its duplicated keys, whose
// messages the decoder then gives as before, in the same order. A value
// holding an alias, a merge key or a key that is not a scalar is decoded
// whole, as before.

// rendererTable is a site's renderers: renderer name -> option -> value.
type rendererTable map[string]map[string]string

// UnmarshalYAML implements the decoder's former Unmarshaler interface,
// the one whose decoding goes on with the file's decoder.
func (t *rendererTable) UnmarshalYAML(unmarshal func(any) error) error {
	return decodeRewritten(unmarshal, (*map[string]map[string]string)(t), true)
}

// consumerTable is a site's consumers: token fingerprint -> consumer.
type consumerTable map[string]Consumer

// UnmarshalYAML implements the decoder's former Unmarshaler interface,
// the one whose decoding goes on with the file's decoder.
func (t *consumerTable) UnmarshalYAML(unmarshal func(any) error) error {
	return decodeRewritten(unmarshal, (*map[string]Consumer)(t), false)
}

// nodeOf keeps the node it is decoded from.
type nodeOf struct{ n *yaml.Node }

// UnmarshalYAML implements yaml.Unmarshaler.
func (g *nodeOf) UnmarshalYAML(n *yaml.Node) error {
	g.n = n
	return nil
}

// decodeRewritten decodes the node of unmarshal into out, a map, with the
// node rewritten for the while (and its mapping values too when nested,
// out being a map of maps).
func decodeRewritten(unmarshal func(any) error, out any, nested bool) error {
	var g nodeOf
	if err := unmarshal(&g); err != nil {
		return err
	}
	n := g.n
	if n == nil || n.Kind != yaml.MappingNode || decodedWhole(n) {
		return unmarshal(out)
	}
	restore, merged := rewrite(n)
	defer restore()
	if nested && merged { // the values are read only without duplicates
		for _, pair := range n.Content[1].Content {
			if v := pair.Content[1]; v.Kind == yaml.MappingNode {
				restore, _ := rewrite(v)
				defer restore()
			}
		}
	}
	return unmarshal(out)
}

// rewrite rewrites mapping n as the comment above says and returns what
// restores it; merged is true when n became a merge key.
func rewrite(n *yaml.Node) (restore func(), merged bool) {
	content := n.Content
	restore = func() { n.Content = content }
	if len(content) == 0 {
		return restore, false
	}
	if dups := duplicatedPairs(content); dups != nil {
		n.Content = dups
		return restore, false
	}
	pairs := make([]*yaml.Node, 0, len(content)/2)
	for i := 0; i+1 < len(content); i += 2 {
		k := content[i]
		pairs = append(pairs, &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: k.Line, Column: k.Column, Content: content[i : i+2 : i+2]})
	}
	first := content[0]
	n.Content = []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!merge", Value: "<<", Line: first.Line, Column: first.Column},
		{Kind: yaml.SequenceNode, Tag: "!!seq", Line: first.Line, Column: first.Column, Content: pairs},
	}
	return restore, true
}

// duplicatedPairs returns the pairs of content, a mapping's, whose key
// another pair has too (same kind and value), in their order; nil when
// there are none.
func duplicatedPairs(content []*yaml.Node) []*yaml.Node {
	type key struct {
		kind  yaml.Kind
		value string
	}
	seen := make(map[key]int, len(content)/2)
	dups := 0
	for i := 0; i+1 < len(content); i += 2 {
		k := key{content[i].Kind, content[i].Value}
		if seen[k]++; seen[k] == 2 {
			dups++
		}
	}
	if dups == 0 {
		return nil
	}
	var out []*yaml.Node
	for i := 0; i+1 < len(content); i += 2 {
		if seen[key{content[i].Kind, content[i].Value}] > 1 {
			out = append(out, content[i], content[i+1])
		}
	}
	return out
}

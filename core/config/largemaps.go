package config

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// yaml.v3 looks for duplicate keys in a mapping by comparing every key
// with every later one: a mapping of 100,000 keys took it half a minute.
// The values below, which a file may fill with that many keys, are decoded
// after a check of their own that finds the same duplicates through a
// table and reports them as the decoder does (same words, same order); the
// decoder then sees mappings of one pair. A value holding an alias, a
// merge key (<<) or a key that is not a scalar is decoded whole, as before.

// typeTable is the types table of mappings.yaml: data type -> MISP types.
type typeTable map[string][]string

// UnmarshalYAML implements yaml.Unmarshaler.
func (t *typeTable) UnmarshalYAML(n *yaml.Node) error {
	m := (*map[string][]string)(t)
	if n.Kind != yaml.MappingNode || decodedWhole(n) {
		return n.Decode(m)
	}
	if dups := duplicateKeys(n); len(dups) > 0 {
		return &yaml.TypeError{Errors: dups}
	}
	if *m == nil {
		*m = map[string][]string{} // as the decoder makes it, pairs or none
	}
	var msgs []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		pair := *n
		pair.Content = n.Content[i : i+2]
		err := pair.Decode(m)
		if te, ok := err.(*yaml.TypeError); ok {
			msgs = append(msgs, te.Errors...)
		} else if err != nil {
			return err
		}
	}
	if len(msgs) > 0 {
		return &yaml.TypeError{Errors: msgs}
	}
	return nil
}

// unusedValue is a key the original's files carry and Cratos does not
// use: it is refused for what decoding it into an empty interface
// refuses, and its value is dropped.
type unusedValue struct{}

// UnmarshalYAML implements yaml.Unmarshaler.
func (*unusedValue) UnmarshalYAML(n *yaml.Node) error {
	var v any
	if decodedWhole(n) {
		return n.Decode(&v)
	}
	// Into an interface, the decoder's only errors that are not fatal
	// are duplicate keys; a fatal error is returned alone.
	var dups []string
	if err := inPairs(n, &dups).Decode(&v); err != nil {
		return err
	}
	if len(dups) > 0 {
		return &yaml.TypeError{Errors: dups}
	}
	return nil
}

// inPairs returns a copy of n for decoding into an empty interface: a
// mapping without duplicate keys becomes a sequence of one-pair mappings
// (its values so copied in turn), and one with duplicates an empty
// mapping, its messages added to dups (the decoder reads no further into
// it). Keys are kept as they are.
func inPairs(n *yaml.Node, dups *[]string) *yaml.Node {
	c := *n
	switch n.Kind {
	case yaml.SequenceNode:
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, item := range n.Content {
			c.Content[i] = inPairs(item, dups)
		}
	case yaml.MappingNode:
		if d := duplicateKeys(n); d != nil {
			*dups = append(*dups, d...)
			c.Content = nil
			return &c
		}
		c.Kind, c.Tag, c.Style = yaml.SequenceNode, "!!seq", 0
		c.Content = make([]*yaml.Node, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			c.Content = append(c.Content, &yaml.Node{
				Kind: yaml.MappingNode, Tag: "!!map", Line: k.Line, Column: k.Column,
				Content: []*yaml.Node{k, inPairs(n.Content[i+1], dups)},
			})
		}
	}
	return &c
}

// decodedWhole reports whether n is left to the decoder as it is: it or
// anything in it is an alias, a merge key or a key that is not a scalar
// (which the decoder reads as a value of its own).
func decodedWhole(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode {
		return true
	}
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 && (c.Kind != yaml.ScalarNode || c.Value == "<<") {
			return true
		}
		if decodedWhole(c) {
			return true
		}
	}
	return false
}

// duplicateKeys returns yaml.v3's message for each two keys of mapping n
// it takes for the same (same kind and value), in its order.
func duplicateKeys(n *yaml.Node) []string {
	type key struct {
		kind  yaml.Kind
		value string
	}
	// next[p] is the next pair whose key is the same as pair p's, or -1.
	pairs := len(n.Content) / 2
	next := make([]int, pairs)
	last := make(map[key]int, pairs)
	found := false
	for p := range pairs {
		next[p] = -1
		k := key{n.Content[2*p].Kind, n.Content[2*p].Value}
		if q, ok := last[k]; ok {
			next[q], found = p, true
		}
		last[k] = p
	}
	if !found {
		return nil
	}
	var out []string
	for p := range next {
		ni := n.Content[2*p]
		for q := next[p]; q >= 0; q = next[q] {
			nj := n.Content[2*q]
			out = append(out, fmt.Sprintf("line %d: mapping key %#v already defined at line %d", nj.Line, nj.Value, ni.Line))
		}
	}
	return out
}

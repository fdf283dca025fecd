package config

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"net/netip"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// decodeStrict decodes YAML data into v, refusing unknown keys, and
// rewrites the decoder's "line N:" prefixes as "path:N:".
func decodeStrict(path string, data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return fmt.Errorf("%s: file is empty", path)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := decodeRecovered(dec, v); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: file is empty", path)
		}
		return fileError(path, err, yamlKeys(v))
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) == nil {
		if n := floatIntoInt(&doc, reflect.TypeOf(v)); n != nil {
			return fmt.Errorf("%s:%d: %s: want a whole number, without fraction or exponent", path, n.Line, n.Value)
		}
	}
	// A second document would be ignored: refuse one that holds anything.
	for {
		var next yaml.Node
		err := dec.Decode(&next)
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return fileError(path, err, nil)
		case len(next.Content) > 0 && next.Content[0].Tag != "!!null":
			return fmt.Errorf("%s:%d: a second YAML document (after ---): want one", path, next.Line)
		}
	}
}

// decodeRecovered is dec.Decode(v) with a panic of the decoder returned
// as an error: yaml.v3 panics on a merge key (<<) in a mapping one of
// whose keys is a mapping or a list, and a file must not end the process.
func decodeRecovered(dec *yaml.Decoder, v any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the YAML decoder failed: %v", p)
		}
	}()
	return dec.Decode(v)
}

var unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()

// floatIntoInt returns the first number with a fraction or exponent that
// n gives to an integer of t, which the decoder would truncate (0.5 to 0,
// the default); aliases are not followed.
func floatIntoInt(n *yaml.Node, t reflect.Type) *yaml.Node {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil
	}
	switch {
	case n.Kind == yaml.DocumentNode && len(n.Content) > 0:
		return floatIntoInt(n.Content[0], t)
	case n.Kind == yaml.ScalarNode && n.Tag == "!!float" && t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return n
	case n.Kind == yaml.SequenceNode && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		for _, c := range n.Content {
			if bad := floatIntoInt(c, t.Elem()); bad != nil {
				return bad
			}
		}
	case n.Kind == yaml.MappingNode && (t.Kind() == reflect.Map || t.Kind() == reflect.Struct):
		for i := 0; i+1 < len(n.Content); i += 2 {
			ft, ok := t, true
			if t.Kind() == reflect.Map {
				ft = t.Elem()
			} else {
				ft, ok = fieldType(t, n.Content[i].Value)
			}
			if !ok {
				continue // a merge key (<<)
			}
			if bad := floatIntoInt(n.Content[i+1], ft); bad != nil {
				return bad
			}
		}
	}
	return nil
}

// fieldType returns the type of the field of struct t whose yaml key is
// key, looking into inlined structs.
func fieldType(t reflect.Type, key string) (reflect.Type, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if opts == "inline" {
			if ft, ok := fieldType(f.Type, key); ok {
				return ft, true
			}
		} else if name == key {
			return f.Type, true
		}
	}
	return nil, false
}

var lineRE = regexp.MustCompile(`(?m)^\s*(?:yaml: )?line (\d+): `)

func fileError(path string, err error, known []string) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs := make([]string, len(te.Errors))
		for i, m := range te.Errors {
			msgs[i] = rewriteLine(path, m, known)
		}
		return errors.New(strings.Join(msgs, "\n"))
	}
	return errors.New(rewriteLine(path, err.Error(), known))
}

func rewriteLine(path, msg string, known []string) string {
	msg = strings.TrimPrefix(msg, "yaml: ")
	if m := lineRE.FindStringSubmatchIndex(msg); m != nil {
		return path + ":" + msg[m[2]:m[3]] + ": " + tidy(msg[m[1]:], known)
	}
	return path + ": " + tidy(msg, known)
}

// tidy turns the decoder's Go-flavoured messages into plain ones; an
// unknown key gets the closest known key as a suggestion.
func tidy(msg string, known []string) string {
	if f, ok := strings.CutPrefix(msg, "field "); ok {
		if name, _, ok := strings.Cut(f, " not found in type"); ok {
			return "unknown key " + strconv.Quote(name) + didYouMean(name, known)
		}
	}
	msg = strings.ReplaceAll(msg, "!!", "")
	return msg
}

// Prefixes is a list of CIDRs (or bare addresses, taken as full-length
// prefixes). Host bits are allowed, as in the original, and cleared; so
// are the other forms the original reads (parseListedPrefix).
type Prefixes []netip.Prefix

// UnmarshalYAML implements yaml.Unmarshaler with line-numbered errors.
func (p *Prefixes) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		*p = nil
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return fmt.Errorf("line %d: want a list of CIDRs", n.Line)
	}
	out := make(Prefixes, 0, len(n.Content))
	for _, item := range n.Content {
		if item.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: want a CIDR string", item.Line)
		}
		pfx, err := parseListedPrefix(item.Value)
		if err != nil {
			return fmt.Errorf("line %d: bad CIDR %q", item.Line, item.Value)
		}
		out = append(out, pfx)
	}
	*p = out
	return nil
}

// parseListedPrefix is ParsePrefix for a list of a configuration file,
// which also reads what the original's ip_network does: a length with
// leading zeros ("10.0.0.0/08"), an IPv4 netmask ("10.0.0.0/255.0.0.0")
// or hostmask ("10.0.0.0/0.255.255.255").
func parseListedPrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if addr, length, ok := strings.Cut(s, "/"); ok {
		if n, ok := maskLength(addr, length); ok {
			s = addr + "/" + strconv.Itoa(n)
		}
	}
	return ParsePrefix(s)
}

// ParsePrefix parses "192.0.2.0/24", "2001:db8::/32" or a bare address.
// Host bits are cleared and IPv4-mapped IPv6 is unmapped.
func ParsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		return hostPrefix(s)
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}

// maskLength returns the prefix length that length, after addr's slash,
// gives in a form netip does not read: digits with leading zeros, or for
// IPv4 a netmask (ones, then zeros) or a hostmask (zeros, then ones).
func maskLength(addr, length string) (int, bool) {
	if length != "" && strings.Trim(length, "0123456789") == "" {
		trimmed := strings.TrimLeft(length, "0")
		if len(trimmed) == len(length) || len(trimmed) > 3 {
			return 0, false // netip reads it, or it is too long anyway
		}
		n, _ := strconv.Atoi(trimmed) // "" is 0
		return n, true
	}
	a, err := netip.ParseAddr(addr)
	m, merr := netip.ParseAddr(length)
	if err != nil || merr != nil || !a.Is4() || !m.Is4() {
		return 0, false
	}
	b := m.As4()
	v := binary.BigEndian.Uint32(b[:])
	if ones := bits.LeadingZeros32(^v); v == ^uint32(0)<<(32-ones) {
		return ones, true // netmask (no ones: a shift by 32 gives 0)
	}
	if zeros := bits.LeadingZeros32(v); ^v == ^uint32(0)<<(32-zeros) {
		return zeros, true // hostmask
	}
	return 0, false
}

// hostPrefix reads a bare address as the prefix of that one address,
// IPv4-mapped IPv6 unmapped and any zone dropped.
func hostPrefix(s string) (netip.Prefix, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// PortString is the original's memcached_port: a string that must be
// quoted there; Cratos also takes a number.
type PortString string

// UnmarshalYAML implements yaml.Unmarshaler.
func (p *PortString) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a port number", n.Line)
	}
	if n.Value == "" {
		*p = ""
		return nil
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil || v < 1 || v > 65535 {
		return fmt.Errorf("line %d: bad port %q (want 1-65535)", n.Line, n.Value)
	}
	*p = PortString(strconv.Itoa(v))
	return nil
}

// StringOrList is a scalar string or a list of strings.
type StringOrList []string

// UnmarshalYAML implements yaml.Unmarshaler.
func (s *StringOrList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*s = StringOrList{n.Value}
		return nil
	case yaml.SequenceNode:
		out := make(StringOrList, 0, len(n.Content))
		for _, item := range n.Content {
			if item.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: want a string", item.Line)
			}
			out = append(out, item.Value)
		}
		*s = out
		return nil
	}
	return fmt.Errorf("line %d: want a string or a list of strings", n.Line)
}

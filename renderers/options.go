package renderers

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Kind is the type of an option's value.
type Kind uint8

// The option kinds.
const (
	KindString Kind = iota // any value
	KindBool               // one of BoolSpellings
	KindInt                // a whole number in [Min, Max]
	KindEnum               // one of Values
)

// BoolSpellings are the values a KindBool option accepts, true ones first:
// those strconv.ParseBool reads, as most renderers accepted before the
// option helper existed, and "true" and "false" in any case, as txt and b64
// did.
var BoolSpellings = []string{"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"}

// parseBool reads a value of BoolSpellings, or "true" or "false" in any
// case.
func parseBool(v string) (bool, bool) {
	if b, err := strconv.ParseBool(v); err == nil {
		return b, true
	}
	switch {
	case strings.EqualFold(v, "true"):
		return true, true
	case strings.EqualFold(v, "false"):
		return false, true
	}
	return false, false
}

// enumValue returns the declared value of o that v spells, and whether
// there is one.
func (o Option) enumValue(v string) (string, bool) {
	for _, w := range o.Values {
		if v == w || (o.FoldCase && strings.EqualFold(v, w)) {
			return w, true
		}
	}
	return "", false
}

// Options are a renderer's options checked against its Info.Options: each
// declared option has the site's value or its default.
type Options struct {
	renderer string
	decl     []Option
	vals     map[string]string
}

// ParseOptions checks opts against info: an undeclared name is refused as
// CheckOptionNames words it, a value that does not fit its option's Kind
// with one wording for all renderers:
//
//	renderer NAME: option OPT: want one of a, b, c; got "x"
//
// Defaults fill the options opts leaves out.
func ParseOptions(info Info, opts map[string]string) (Options, error) {
	if err := CheckOptionNames(info, opts); err != nil {
		return Options{}, err
	}
	o := Options{renderer: info.Name, decl: info.Options, vals: make(map[string]string, len(info.Options))}
	for _, d := range info.Options {
		v, set := opts[d.Name]
		if !set {
			v = d.Default
		}
		if want := d.want(v); want != "" {
			return Options{}, OptionError(info.Name, d.Name, want, v)
		}
		o.vals[d.Name] = v
	}
	return o, nil
}

// OptionError is the error for value got of a renderer's option, which
// wants what want describes; every renderer words a bad value so:
//
//	renderer NAME: option OPT: want WANT; got "GOT"
func OptionError(renderer, option, want, got string) error {
	return fmt.Errorf("renderer %s: option %s: want %s; got %q", renderer, option, want, got)
}

// want describes what o wants when v does not fit its kind, and is empty
// when v fits. An empty value fits an option whose default is empty: it
// leaves the choice to the renderer.
func (o Option) want(v string) string {
	if v == "" && o.Default == "" {
		return ""
	}
	switch o.Kind {
	case KindBool:
		if _, ok := parseBool(v); !ok {
			return "true or false"
		}
	case KindInt:
		n, err := strconv.Atoi(v)
		if err != nil || n < o.Min || (o.Max != 0 && n > o.Max) {
			return o.intRange()
		}
	case KindEnum:
		if _, ok := o.enumValue(v); !ok {
			return "one of " + strings.Join(o.Values, ", ")
		}
	}
	return ""
}

func (o Option) intRange() string {
	if o.Max == 0 {
		return fmt.Sprintf("a whole number ≥ %d", o.Min)
	}
	return fmt.Sprintf("a whole number from %d to %d", o.Min, o.Max)
}

// value returns the value of the declared option name, panicking when the
// renderer asks for an option it does not declare with kind k: that is a
// programming error, caught by the renderer's own tests.
func (o Options) value(name string, k Kind) string {
	i := slices.IndexFunc(o.decl, func(d Option) bool { return d.Name == name })
	if i < 0 || o.decl[i].Kind != k {
		panic(fmt.Sprintf("renderers: renderer %s reads option %q as kind %d, which it does not declare", o.renderer, name, k))
	}
	return o.vals[name]
}

// Renderer is the name of the renderer the options are for, as errors
// about them name it.
func (o Options) Renderer() string { return o.renderer }

// String returns the value of a KindString option.
func (o Options) String(name string) string { return o.value(name, KindString) }

// Enum returns the value of a KindEnum option as its Values spell it (""
// when it is empty).
func (o Options) Enum(name string) string {
	v := o.value(name, KindEnum)
	i := slices.IndexFunc(o.decl, func(d Option) bool { return d.Name == name })
	if w, ok := o.decl[i].enumValue(v); ok {
		return w
	}
	return v
}

// Bool returns the value of a KindBool option.
func (o Options) Bool(name string) bool {
	b, _ := parseBool(o.value(name, KindBool)) // checked by ParseOptions
	return b
}

// Int returns the value of a KindInt option.
func (o Options) Int(name string) int {
	n, _ := strconv.Atoi(o.value(name, KindInt)) // checked by ParseOptions
	return n
}

// Address reads a KindString option holding an IPv4 address (v6 false) or
// an IPv6 address without a zone (v6 true), or "" for none, and returns it
// in canonical text.
func (o Options) Address(name string, v6 bool) (string, error) {
	v := o.String(name)
	if v == "" {
		return "", nil
	}
	a, err := netip.ParseAddr(v)
	switch {
	case !v6 && (err != nil || !a.Is4()):
		return "", OptionError(o.renderer, name, "an IPv4 address", v)
	case v6 && (err != nil || !a.Is6() || a.Zone() != ""):
		return "", OptionError(o.renderer, name, "an IPv6 address", v)
	}
	return a.String(), nil
}

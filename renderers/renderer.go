// Package renderers defines the renderer contract — how a sorted,
// de-duplicated stream of indicators becomes the bytes of one output format —
// and the registry of built-in renderers.
//
// A renderer is pure: the same Request and input give the same bytes (no
// clock but Request.Generated, no randomness, no environment); it is safe for
// concurrent use, stops when ctx is cancelled, and returns the first write
// error. Built-in renderers register themselves from init(); plugins reach
// the service through the same interface.
package renderers

import (
	"context"
	"fmt"
	"io"
	"iter"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// Info describes a renderer.
type Info struct {
	Name        string           // URL segment and registry key: "edl", "rpz", "stix21"
	Description string           // one line
	ContentType string           // full media type
	Extension   string           // ".txt", ".rpz", ".rules"; the list is also served at Name+Extension
	Types       []indicator.Type // the only types Render receives
	// Options lists the per-site options the renderer accepts.
	Options []Option
	// Reads declares the Indicator fields Render reads. Zero means all of
	// them. A renderer that declares a set may receive indicators whose
	// other fields are zero: the plugin bridge sends only these.
	Reads Fields
	// Versioned declares that Render versions its objects against
	// Request.Previous (stix21): the same input rendered without it, or
	// against another previous body, gives other bytes. The service then
	// keeps the list's last good body where every replica reads it. The
	// plugin bridge sends no Previous: a plugin never declares it.
	Versioned bool
}

// Fields is a set of Indicator fields, as a renderer declares it reads
// them. A declared set always holds FieldValue (Type and Value).
type Fields uint8

// The Indicator fields. The values are part of the plugin protocol.
const (
	FieldValue     Fields = 1 << iota // Type and Value
	FieldMISPType                     // MISPType
	FieldCategory                     // Category
	FieldUUID                         // UUID
	FieldEventID                      // EventID
	FieldTimestamp                    // Timestamp
	FieldToIDS                        // ToIDS

	AllFields = FieldValue | FieldMISPType | FieldCategory | FieldUUID | FieldEventID | FieldTimestamp | FieldToIDS
)

// Declared returns the fields a renderer with Reads f receives: f with
// FieldValue, or every field when f is zero.
func (f Fields) Declared() Fields {
	if f == 0 {
		return AllFields
	}
	return f | FieldValue
}

// Mask returns x with the fields outside f.Declared() set to zero.
func (f Fields) Mask(x indicator.Indicator) indicator.Indicator {
	d := f.Declared()
	if d&FieldMISPType == 0 {
		x.MISPType = ""
	}
	if d&FieldCategory == 0 {
		x.Category = ""
	}
	if d&FieldUUID == 0 {
		x.UUID = ""
	}
	if d&FieldEventID == 0 {
		x.EventID = 0
	}
	if d&FieldTimestamp == 0 {
		x.Timestamp = 0
	}
	if d&FieldToIDS == 0 {
		x.ToIDS = false
	}
	return x
}

// Option documents one per-site renderer option. Kind, Min, Max and Values
// let ParseOptions check a value and give it its type; an option of
// KindString (the zero Kind) takes any value.
type Option struct {
	Name        string
	Default     string
	Description string
	Kind        Kind
	Min, Max    int      // KindInt: the inclusive range; Max 0 means no upper bound
	Values      []string // KindEnum: the accepted values
	FoldCase    bool     // KindEnum: match Values ignoring case
}

// Request is what a renderer may know about the list it renders.
type Request struct {
	Site, Feed string
	// DataType is the route's {dataType} segment ("ipv4", "url", ...).
	DataType string
	// Age is the route's {dataAge} segment ("1y", "30d"), empty when not
	// known. The plugin bridge does not send it.
	Age string
	// Generated is the only clock a renderer may read.
	Generated time.Time
	// Serial, when not zero, is the list's content serial: it grows
	// exactly when the content changes, which a pure renderer cannot
	// know (a zone's SOA serial).
	Serial uint32
	// Previous, when set, is the body last served for this list (same
	// site, feed, data type, age, output and options; after a change of
	// settings, the one served at its URL under the former ones): a
	// renderer whose objects carry versions (Info.Versioned: stix21) reads
	// it so that no object's version goes back. Render must not change it. The plugin
	// bridge does not send it.
	Previous []byte
	// Options are the per-site options for this renderer.
	Options map[string]string
	// Dropped, when set, is told of entries the renderer left out and why
	// (an entry cap, a name too long for the format). Renderers call it
	// through Request.Drop.
	Dropped func(reason string, count int)
}

// A drop reason names a kind of entry, never an entry's value: the
// reasons of a list are kept with it and sent in one response header. A
// reason is at most MaxDropReason bytes, and one render gives at most
// MaxDropReasons distinct ones; a plugin past either fails its render.
const (
	MaxDropReason  = 200
	MaxDropReasons = 64
)

// Drop reports count entries left out for reason.
func (r Request) Drop(reason string, count int) {
	if r.Dropped != nil && count > 0 {
		r.Dropped(reason, count)
	}
}

// Renderer turns indicators into one output format.
type Renderer interface {
	Info() Info
	Render(ctx context.Context, w io.Writer, req Request, in iter.Seq[indicator.Indicator]) error
}

// OptionValidator is implemented by renderers that take options: it
// rejects unknown option names and bad values, so that a site file is
// refused at load time rather than at the first request.
type OptionValidator interface {
	ValidateOptions(opts map[string]string) error
}

// ValidateOptions checks opts against r: through its OptionValidator when
// it has one, otherwise against the names and kinds in Info().Options
// (ParseOptions).
func ValidateOptions(r Renderer, opts map[string]string) error {
	if v, ok := r.(OptionValidator); ok {
		return v.ValidateOptions(opts)
	}
	_, err := ParseOptions(r.Info(), opts)
	return err
}

// CheckOptionNames returns an error naming the first option in opts that
// info does not declare.
func CheckOptionNames(info Info, opts map[string]string) error {
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.ContainsFunc(info.Options, func(o Option) bool { return o.Name == k }) {
			names := make([]string, len(info.Options))
			for i, o := range info.Options {
				names[i] = o.Name
			}
			if len(names) == 0 {
				return fmt.Errorf("renderer %s: unknown option %q (it takes none)", info.Name, k)
			}
			return fmt.Errorf("renderer %s: unknown option %q (valid: %s)", info.Name, k, strings.Join(names, ", "))
		}
	}
	return nil
}

// Clone returns a copy of info that shares no slices with it, for
// renderers that keep their Info in a package variable.
func (info Info) Clone() Info {
	info.Types = slices.Clone(info.Types)
	info.Options = slices.Clone(info.Options)
	return info
}

// Supports reports whether info lists t.
func (info Info) Supports(t indicator.Type) bool { return slices.Contains(info.Types, t) }

// Registry maps renderer names to renderers. The zero value is empty and
// ready to use.
type Registry struct {
	mu sync.RWMutex
	m  map[string]Renderer
	// files maps a name followed by its renderer's Extension ("junos.txt")
	// to the name; "" when two renderers give the same file name.
	files map[string]string
}

// Add registers r, refusing an Info that does not pass Info.Validate and a
// taken name.
func (g *Registry) Add(r Renderer) error {
	info := r.Info()
	name := info.Name
	if err := info.Validate(); err != nil {
		return fmt.Errorf("renderers: renderer %q: %w", name, err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.m == nil {
		g.m = map[string]Renderer{}
		g.files = map[string]string{}
	}
	if _, dup := g.m[name]; dup {
		return fmt.Errorf("renderers: %q is already registered", name)
	}
	g.m[name] = r
	file, owner := name+info.Extension, name
	if _, taken := g.files[file]; taken {
		owner = ""
	}
	g.files[file] = owner
	return nil
}

// Resolve returns the renderer name an output segment names: the segment
// itself when a renderer has that name, else a name the segment gives
// followed by that renderer's own Extension ("junos.txt" is junos, not
// "txt.zone" txt), else the segment unchanged (no such renderer). A file
// name two renderers give ("a" with ".b.txt", "a.b" with ".txt") names
// neither.
func (g *Registry) Resolve(segment string) string {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if _, ok := g.m[segment]; ok {
		return segment
	}
	if name := g.files[segment]; name != "" {
		return name
	}
	return segment
}

// FileNames returns the names followed by their renderer's Extension that
// Resolve takes, sorted.
func (g *Registry) FileNames() []string {
	g.mu.RLock()
	defer g.mu.RUnlock()
	out := make([]string, 0, len(g.files))
	for file, name := range g.files {
		if _, ok := g.m[file]; name != "" && !ok {
			out = append(out, file)
		}
	}
	slices.Sort(out)
	return out
}

// Lookup returns the renderer named name.
func (g *Registry) Lookup(name string) (Renderer, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	r, ok := g.m[name]
	return r, ok
}

// All returns the registered renderers sorted by name.
func (g *Registry) All() []Renderer {
	g.mu.RLock()
	defer g.mu.RUnlock()
	out := make([]Renderer, 0, len(g.m))
	for _, r := range g.m {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Renderer) int { return strings.Compare(a.Info().Name, b.Info().Name) })
	return out
}

// Names returns the registered names, sorted.
func (g *Registry) Names() []string {
	all := g.All()
	out := make([]string, len(all))
	for i, r := range all {
		out[i] = r.Info().Name
	}
	return out
}

// Clone returns a new registry holding the same renderers.
func (g *Registry) Clone() *Registry {
	c := &Registry{}
	for _, r := range g.All() {
		_ = c.Add(r)
	}
	return c
}

var builtin Registry

// Register adds a built-in renderer. Call it only from init(); it panics on
// a duplicate name.
func Register(r Renderer) {
	if err := builtin.Add(r); err != nil {
		panic(err)
	}
}

// Builtin returns the registry of built-in renderers.
func Builtin() *Registry { return &builtin }

// Lookup returns the built-in renderer named name.
func Lookup(name string) (Renderer, bool) { return builtin.Lookup(name) }

// All returns the built-in renderers sorted by name.
func All() []Renderer { return builtin.All() }

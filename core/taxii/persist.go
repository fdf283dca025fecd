package taxii

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/cratos-project/cratos/core/indicator"
)

// stateFormat is the version of the persisted collection.
const stateFormat = 1

type stateFile struct {
	Format  int               `json:"format"`
	Last    int64             `json:"last"`
	Options map[string]string `json:"options,omitempty"`
	Objects []stateObject     `json:"objects"`
}

type stateObject struct {
	Kind    uint8          `json:"k,omitempty"`
	Type    indicator.Type `json:"t,omitempty"`
	Value   string         `json:"v,omitempty"`
	Gen     uint32         `json:"g,omitempty"`
	Created int64          `json:"c,omitempty"`
	Added   int64          `json:"a"`
	Revoked int64          `json:"r,omitempty"`
	Raw     string         `json:"raw,omitempty"`
}

// MarshalState returns the collection's history for the state directory.
func (c *Collection) MarshalState() ([]byte, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	f := stateFile{Format: stateFormat, Last: c.last, Options: c.opts, Objects: make([]stateObject, len(c.objs))}
	for i, o := range c.objs {
		f.Objects[i] = stateObject{Kind: o.kind, Type: o.typ, Value: o.value, Gen: o.gen, Created: o.created,
			Added: o.added, Revoked: o.revoked, Raw: string(o.raw)}
	}
	return json.Marshal(f)
}

// UnmarshalState returns the collection MarshalState wrote.
func UnmarshalState(b []byte) (*Collection, error) {
	var f stateFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("taxii: collection state: %w", err)
	}
	if f.Format != stateFormat {
		return nil, fmt.Errorf("taxii: collection state: format %d, want %d", f.Format, stateFormat)
	}
	c := NewCollection()
	c.last, c.opts = f.Last, f.Options
	c.objs = make([]object, len(f.Objects))
	for i, s := range f.Objects {
		o := object{kind: s.Kind, typ: s.Type, value: s.Value, gen: s.Gen, created: s.Created, added: s.Added, revoked: s.Revoked}
		switch o.kind {
		case kindMeta:
			o.raw = []byte(s.Raw)
			o.version = versionOf(o.raw)
			o.id = idOf(o.raw)
		case kindIndicator:
			if !stixTypes.Has(o.typ) {
				return nil, fmt.Errorf("taxii: collection state: object %d: type %s", i, o.typ)
			}
			o.id = indicatorID(o.typ, o.value, o.gen)
		default:
			return nil, fmt.Errorf("taxii: collection state: object %d: kind %d", i, o.kind)
		}
		if o.id == "" || o.added <= 0 || o.added > f.Last || o.revoked > f.Last || (o.revoked != 0 && o.revoked < o.added) {
			return nil, fmt.Errorf("taxii: collection state: object %d is inconsistent", i)
		}
		if _, dup := c.byID[o.id]; dup {
			return nil, fmt.Errorf("taxii: collection state: object %d: duplicate id", i)
		}
		c.objs[i] = o
		n := int32(i)
		c.byID[o.id] = n
		c.log = append(c.log, record{added: o.added, obj: n})
		if o.revoked != 0 {
			c.log = append(c.log, record{added: o.revoked, obj: n, revoked: true})
		}
		if o.kind == kindIndicator {
			k := objKey{o.typ, o.value}
			if j, ok := c.current[k]; !ok || c.objs[j].gen < o.gen {
				c.current[k] = n
			}
		}
	}
	slices.SortFunc(c.log, c.compare)
	return c, nil
}

func idOf(raw []byte) string {
	var v struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	return v.ID
}

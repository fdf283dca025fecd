package mispsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Warninglist is a MISP warninglist to add with (*Server).AddWarninglist.
type Warninglist struct {
	Name        string
	Description string
	Type        string // cidr, hostname, string, substring or regex
	Version     int64
	Category    string // "false_positive" (the default) or "known"
	// MatchingAttributes lists the attribute types the list applies to;
	// empty means all types ("ALL").
	MatchingAttributes []string
	List               []string
	Comments           []string // optional, parallel to List
	Disabled           bool
}

// Warninglist kinds, as MISP names them.
const (
	wlCIDR      = "cidr"
	wlHostname  = "hostname"
	wlString    = "string"
	wlSubstring = "substring"
	wlRegex     = "regex"
)

type wlEntry struct {
	value   string
	comment string
	hasNote bool
}

type warninglist struct {
	id          int64
	name        string
	description string
	kind        string
	version     int64
	category    string
	enabled     bool
	types       []string // "ALL" when the file names none
	entries     []wlEntry
	firstEntry  int64 // id of entries[0]
	firstType   int64 // id of the first WarninglistType row
}

// addWarninglist stores a list as MISP's importer does: empty values (and
// "0", which PHP treats as empty) are dropped, no matching attributes means
// ALL. The caller holds the write lock.
func (s *store) addWarninglist(w Warninglist) (int64, error) {
	if w.Name == "" {
		return 0, fmt.Errorf("add warninglist: no name: %w", ErrInvalid)
	}
	if w.Type == "" {
		w.Type = wlString
	}
	switch w.Type {
	case wlCIDR, wlHostname, wlString, wlSubstring, wlRegex:
	default:
		return 0, fmt.Errorf("add warninglist %q: unknown type %q: %w", w.Name, w.Type, ErrInvalid)
	}
	for _, o := range s.wls {
		if o.name == w.Name {
			return 0, fmt.Errorf("add warninglist %q: a list with this name exists: %w", w.Name, ErrInvalid)
		}
	}
	if w.Category == "" {
		w.Category = "false_positive"
	}
	if w.Version == 0 {
		w.Version = 1
	}
	wl := &warninglist{
		id:          int64(len(s.wls)) + 1,
		name:        w.Name,
		description: w.Description,
		kind:        w.Type,
		version:     w.Version,
		category:    w.Category,
		enabled:     !w.Disabled,
		types:       slices.Clone(w.MatchingAttributes),
		firstEntry:  s.maxEntryID + 1,
	}
	if len(wl.types) == 0 {
		wl.types = []string{"ALL"}
	}
	for i, v := range w.List {
		if v == "" || v == "0" {
			continue
		}
		e := wlEntry{value: v}
		if i < len(w.Comments) {
			e.comment, e.hasNote = w.Comments[i], true
		}
		wl.entries = append(wl.entries, e)
	}
	s.maxEntryID += int64(len(wl.entries))
	var typeRows int64
	for _, o := range s.wls {
		typeRows += int64(len(o.types))
	}
	wl.firstType = typeRows + 1
	s.wls = append(s.wls, wl)
	s.gen++
	return wl.id, nil
}

// parseWarninglistFile reads a warninglist in the list.json format of the
// misp-warninglists repository.
func parseWarninglistFile(data []byte) (Warninglist, error) {
	var raw struct {
		Name               string          `json:"name"`
		Description        string          `json:"description"`
		Type               json.RawMessage `json:"type"`
		Version            json.RawMessage `json:"version"`
		Category           string          `json:"category"`
		MatchingAttributes []string        `json:"matching_attributes"`
		List               json.RawMessage `json:"list"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Warninglist{}, err
	}
	if raw.Name == "" || len(raw.List) == 0 {
		return Warninglist{}, fmt.Errorf("not a warninglist (no name or list): %w", ErrInvalid)
	}
	w := Warninglist{
		Name:               raw.Name,
		Description:        raw.Description,
		Category:           raw.Category,
		MatchingAttributes: raw.MatchingAttributes,
	}
	if w.Category != "known" {
		w.Category = "false_positive"
	}
	if len(raw.Type) > 0 {
		var one string
		var many []string
		if json.Unmarshal(raw.Type, &one) == nil {
			w.Type = one
		} else if json.Unmarshal(raw.Type, &many) == nil && len(many) > 0 {
			w.Type = many[0]
		}
	}
	if len(raw.Version) > 0 {
		v := strings.Trim(string(raw.Version), `"`)
		w.Version, _ = strconv.ParseInt(v, 10, 64)
	}
	// The list is an array of values or an object value -> comment; keep the
	// file's order in both cases.
	dec := json.NewDecoder(bytes.NewReader(raw.List))
	tok, err := dec.Token()
	if err != nil {
		return Warninglist{}, err
	}
	switch tok {
	case json.Delim('['):
		for dec.More() {
			var v any
			if err := dec.Decode(&v); err != nil {
				return Warninglist{}, err
			}
			w.List = append(w.List, scalarString(v))
		}
	case json.Delim('{'):
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return Warninglist{}, err
			}
			var c any
			if err := dec.Decode(&c); err != nil {
				return Warninglist{}, err
			}
			w.List = append(w.List, fmt.Sprint(k))
			w.Comments = append(w.Comments, scalarString(c))
		}
	default:
		return Warninglist{}, fmt.Errorf("list is neither an array nor an object: %w", ErrInvalid)
	}
	return w, nil
}

func scalarString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "1"
		}
		return ""
	}
	return fmt.Sprint(v)
}

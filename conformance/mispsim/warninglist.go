package mispsim

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
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

// wlIndex is the matching structure over all enabled warninglists: one
// combined table per kind, each hit naming the lists that contain it.
type wlIndex struct {
	lists  []*warninglist
	v4     map[uint64][]int32 // addr<<8 | prefix length
	v4bits []int
	v6     map[[17]byte][]int32 // masked addr + prefix length
	v6bits []int
	host   map[string][]int32
	str    map[string][]int32
	subs   []wlSub
	regex  []wlRegexp
	kinds  []string // per list
	// per attribute type name: which lists apply
	typeCache map[string]*typeLists
}

type wlSub struct {
	list int32
	ac   *acMatcher
}

type wlRegexp struct {
	list int32
	re   *regexp.Regexp // nil: the pattern never matches
}

type typeLists struct {
	applies []bool // by list index
	kinds   uint8  // bit set of kinds with at least one applicable list
}

const (
	kCIDR = 1 << iota
	kHost
	kString
	kSub
	kRegex
)

func kindBit(k string) uint8 {
	switch k {
	case wlCIDR:
		return kCIDR
	case wlHostname:
		return kHost
	case wlString:
		return kString
	case wlSubstring:
		return kSub
	case wlRegex:
		return kRegex
	}
	return 0
}

func buildWLIndex(wls []*warninglist) *wlIndex {
	ix := &wlIndex{
		v4:        map[uint64][]int32{},
		v6:        map[[17]byte][]int32{},
		host:      map[string][]int32{},
		str:       map[string][]int32{},
		typeCache: map[string]*typeLists{},
	}
	var v4bits, v6bits [129]bool
	for _, wl := range wls {
		if !wl.enabled {
			continue
		}
		li := int32(len(ix.lists))
		ix.lists = append(ix.lists, wl)
		ix.kinds = append(ix.kinds, wl.kind)
		var subPatterns []string
		for _, e := range wl.entries {
			v := e.value
			switch wl.kind {
			case wlCIDR:
				p, ok := parseListCIDR(v)
				if !ok {
					continue
				}
				if p.Addr().Is4() {
					key := uint64(binary.BigEndian.Uint32(p.Addr().AsSlice()))<<8 | uint64(p.Bits())
					ix.v4[key] = appendUnique(ix.v4[key], li)
					v4bits[p.Bits()] = true
				} else {
					var key [17]byte
					a := p.Addr().As16()
					copy(key[:16], a[:])
					key[16] = byte(p.Bits())
					ix.v6[key] = appendUnique(ix.v6[key], li)
					v6bits[p.Bits()] = true
				}
			case wlHostname:
				h := strings.ToLower(strings.Trim(v, "."))
				ix.host[h] = appendUnique(ix.host[h], li)
			case wlString:
				k := strings.ToLower(v)
				ix.str[k] = appendUnique(ix.str[k], li)
			case wlSubstring:
				subPatterns = append(subPatterns, strings.ToLower(v))
			case wlRegex:
				re, err := compilePHPRegex(v)
				if err != nil {
					re = nil
				}
				ix.regex = append(ix.regex, wlRegexp{list: li, re: re})
			}
		}
		if len(subPatterns) > 0 {
			ix.subs = append(ix.subs, wlSub{list: li, ac: newACMatcher(subPatterns)})
		}
	}
	for b := 0; b <= 32; b++ {
		if v4bits[b] {
			ix.v4bits = append(ix.v4bits, b)
		}
	}
	for b := 0; b <= 128; b++ {
		if v6bits[b] {
			ix.v6bits = append(ix.v6bits, b)
		}
	}
	return ix
}

// parseListCIDR reads a cidr list entry the way MISP's CIDR table stores
// it: a bare address is a /32 or /128; an IPv4 entry with host bits set
// never matches, an IPv6 one is masked.
func parseListCIDR(v string) (netip.Prefix, bool) {
	addrPart, maskPart, hasMask := strings.Cut(v, "/")
	a, err := netip.ParseAddr(addrPart)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	bits := a.BitLen()
	if hasMask {
		n, err := strconv.Atoi(maskPart)
		if err != nil || n < 0 || n > a.BitLen() {
			return netip.Prefix{}, false
		}
		bits = n
	}
	p := netip.PrefixFrom(a, bits)
	m := p.Masked()
	if a.Is4() && m.Addr() != a {
		return netip.Prefix{}, false
	}
	return m, true
}

func (ix *wlIndex) forType(t string) *typeLists {
	if tl, ok := ix.typeCache[t]; ok {
		return tl
	}
	tl := &typeLists{applies: make([]bool, len(ix.lists))}
	for i, wl := range ix.lists {
		if slices.Contains(wl.types, "ALL") || slices.Contains(wl.types, t) {
			tl.applies[i] = true
			tl.kinds |= kindBit(wl.kind)
		}
	}
	ix.typeCache[t] = tl
	return tl
}

func (tl *typeLists) any(lists []int32) bool {
	for _, l := range lists {
		if tl.applies[l] {
			return true
		}
	}
	return false
}

// hit reports whether an attribute value of the given type is on an
// enabled warninglist that applies to the type. Composite values (and
// malware-sample) are checked half by half.
func (ix *wlIndex) hit(tl *typeLists, typ, value string) bool {
	if tl.kinds == 0 {
		return false
	}
	if typ == "malware-sample" || strings.Contains(typ, "|") {
		a, b, ok := strings.Cut(value, "|")
		if ok {
			return ix.hitOne(tl, a) || ix.hitOne(tl, b)
		}
	}
	return ix.hitOne(tl, value)
}

func (ix *wlIndex) hitOne(tl *typeLists, v string) bool {
	if tl.kinds&kCIDR != 0 && ix.hitCIDR(tl, v) {
		return true
	}
	if tl.kinds&kString != 0 {
		if l, ok := ix.str[strings.ToLower(v)]; ok && tl.any(l) {
			return true
		}
	}
	if tl.kinds&kHost != 0 && ix.hitHost(tl, v) {
		return true
	}
	if tl.kinds&kSub != 0 {
		lv := strings.ToLower(v)
		for _, sub := range ix.subs {
			if tl.applies[sub.list] && sub.ac.match(lv) {
				return true
			}
		}
	}
	if tl.kinds&kRegex != 0 {
		for _, r := range ix.regex {
			if tl.applies[r.list] && r.re != nil && r.re.MatchString(v) {
				return true
			}
		}
	}
	return false
}

// hitCIDR: the value (an address, optionally with /mask) lies in a listed
// network; with a mask, the network must be at least as wide as the value's.
func (ix *wlIndex) hitCIDR(tl *typeLists, v string) bool {
	addrPart, maskPart, hasMask := strings.Cut(v, "/")
	if hasMask {
		maskPart, _, _ = strings.Cut(maskPart, "/")
	}
	a, err := netip.ParseAddr(addrPart)
	if err != nil || a.Zone() != "" {
		return false
	}
	valueMask := -1
	if hasMask {
		if n, err := strconv.Atoi(maskPart); err == nil && n > 0 {
			valueMask = n
		}
	}
	if a.Is4() {
		ip := uint64(binary.BigEndian.Uint32(a.AsSlice()))
		for _, bits := range ix.v4bits {
			if valueMask >= 0 && bits > valueMask {
				break
			}
			masked := ip
			if bits < 32 {
				masked = ip &^ (1<<(32-bits) - 1)
			}
			if l, ok := ix.v4[masked<<8|uint64(bits)]; ok && tl.any(l) {
				return true
			}
		}
		return false
	}
	for _, bits := range ix.v6bits {
		if valueMask >= 0 && bits > valueMask {
			break
		}
		p, err := a.Prefix(bits)
		if err != nil {
			continue
		}
		var key [17]byte
		b := p.Addr().As16()
		copy(key[:16], b[:])
		key[16] = byte(bits)
		if l, ok := ix.v6[key]; ok && tl.any(l) {
			return true
		}
	}
	return false
}

// hitHost takes the host part of a value (the text before the first "/",
// or the third "/"-separated part when the value contains "//"), drops
// trailing dots and looks the host and each parent domain up.
func (ix *wlIndex) hitHost(tl *typeLists, v string) bool {
	var host string
	if strings.Contains(v, "//") {
		parts := strings.SplitN(v, "/", 4)
		if len(parts) < 3 {
			return false
		}
		host = parts[2]
	} else {
		host, _, _ = strings.Cut(v, "/")
	}
	host = strings.ToLower(strings.TrimRight(host, "."))
	for {
		if l, ok := ix.host[host]; ok && tl.any(l) {
			return true
		}
		i := strings.IndexByte(host, '.')
		if i < 0 {
			return false
		}
		host = host[i+1:]
	}
}

// compilePHPRegex turns a PCRE pattern with delimiters and modifiers, as
// warninglists write them ("/^abc$/i"), into a Go regexp. Modifiers PHP
// rejects (such as "g") make the pattern fail, as preg_match does; PCRE
// features RE2 lacks (look-around, back-references) fail too.
func compilePHPRegex(p string) (*regexp.Regexp, error) {
	p = strings.TrimLeft(p, " \t\n\r\v\f")
	if p == "" {
		return nil, fmt.Errorf("empty regular expression")
	}
	open := p[0]
	if open == '\\' || open >= 0x80 || isAlnum(open) {
		return nil, fmt.Errorf("delimiter must not be alphanumeric, backslash or non-ASCII")
	}
	closing := open
	switch open {
	case '(':
		closing = ')'
	case '[':
		closing = ']'
	case '{':
		closing = '}'
	case '<':
		closing = '>'
	}
	end := -1
	depth := 0
	for i := 1; i < len(p); i++ {
		c := p[i]
		if c == '\\' {
			i++
			continue
		}
		if closing != open && c == open {
			depth++
			continue
		}
		if c == closing {
			if depth > 0 {
				depth--
				continue
			}
			end = i
			break
		}
	}
	if end < 0 {
		return nil, fmt.Errorf("no ending delimiter %q", closing)
	}
	body, mods := p[1:end], p[end+1:]
	var flags, prefix string
	for i := 0; i < len(mods); i++ {
		switch mods[i] {
		case 'i':
			flags += "i"
		case 'm':
			flags += "m"
		case 's':
			flags += "s"
		case 'U':
			flags += "U"
		case 'A':
			prefix = `\A`
		case 'u', 'D', 'S', 'X', 'J', 'n', '\n', '\r', ' ':
		case 'x':
			return nil, fmt.Errorf("extended patterns are not supported")
		default:
			return nil, fmt.Errorf("unknown modifier %q", mods[i])
		}
	}
	expr := prefix + "(?:" + body + ")"
	if flags != "" {
		expr = "(?" + flags + ")" + expr
	}
	return regexp.Compile(expr)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// acMatcher reports whether any of a list's substring entries occurs in a
// value (Aho-Corasick over bytes: a dense table at the root, sorted sparse
// edges below).
type acMatcher struct {
	root  [256]int32
	edges [][]acEdge
	fail  []int32
	final []bool // an entry ends here or at a suffix state
}

type acEdge struct {
	c    byte
	next int32
}

func (m *acMatcher) child(s int32, c byte) int32 {
	if s == 0 {
		return m.root[c]
	}
	for _, e := range m.edges[s] {
		if e.c == c {
			return e.next
		}
		if e.c > c {
			break
		}
	}
	return -1
}

func newACMatcher(patterns []string) *acMatcher {
	m := &acMatcher{edges: make([][]acEdge, 1), final: make([]bool, 1)}
	for i := range m.root {
		m.root[i] = -1
	}
	for _, p := range patterns {
		s := int32(0)
		for j := 0; j < len(p); j++ {
			c := p[j]
			t := m.child(s, c)
			if t < 0 {
				t = int32(len(m.edges))
				m.edges = append(m.edges, nil)
				m.final = append(m.final, false)
				if s == 0 {
					m.root[c] = t
				}
				e := m.edges[s]
				i := 0
				for i < len(e) && e[i].c < c {
					i++
				}
				m.edges[s] = slices.Insert(e, i, acEdge{c, t})
			}
			s = t
		}
		m.final[s] = true
	}
	m.fail = make([]int32, len(m.edges))
	queue := make([]int32, 0, len(m.edges))
	for _, e := range m.edges[0] {
		queue = append(queue, e.next)
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, e := range m.edges[s] {
			f := m.fail[s]
			for {
				if t := m.child(f, e.c); t >= 0 {
					m.fail[e.next] = t
					break
				}
				if f == 0 {
					m.fail[e.next] = 0
					break
				}
				f = m.fail[f]
			}
			if m.final[m.fail[e.next]] {
				m.final[e.next] = true
			}
			queue = append(queue, e.next)
		}
	}
	for c := range m.root {
		if m.root[c] < 0 {
			m.root[c] = 0
		}
	}
	return m
}

func (m *acMatcher) match(v string) bool {
	s := int32(0)
	for i := 0; i < len(v); i++ {
		c := v[i]
		for s != 0 {
			if t := m.child(s, c); t >= 0 {
				s = t
				goto next
			}
			s = m.fail[s]
		}
		s = m.root[c]
	next:
		if m.final[s] {
			return true
		}
	}
	return false
}

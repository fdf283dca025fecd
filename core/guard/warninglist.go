package guard

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/cratos-project/cratos/core/indicator"
)

// List is one MISP warninglist as /warninglists/view/{id} returns it.
type List struct {
	ID      string
	Name    string
	Type    string   // cidr, hostname, string, substring or regex
	Types   []string // attribute types it applies to; "ALL" for every type
	Entries []string
}

// Warninglists matches canonical values against a set of MISP
// warninglists, as MISP's enforceWarninglist would have matched the raw
// values. It is immutable and safe for concurrent use.
type Warninglists struct {
	lists  []*List
	v4, v6 map[netip.Prefix][]int32
	bits4  []int
	bits6  []int
	nets4  []wlNet // v4 by first address, for the nets a value covers
	nets6  []wlNet
	host   map[string][]int32
	str    map[string][]int32
	subs   []wlPatterns // per list
	regex  []wlRegexes  // per list
	// applies caches, per MISP attribute type, which lists apply to it.
	applies sync.Map // string -> []bool
}

// wlPatterns are one substring list's entries, indexed by their first
// three bytes so that a value is scanned once, not once per entry.
type wlPatterns struct {
	list  int32
	short []string            // entries shorter than three bytes
	by3   map[string][]string // first three bytes -> entries
}

func newPatterns(list int32, pats []string) wlPatterns {
	p := wlPatterns{list: list, by3: map[string][]string{}}
	for _, s := range pats {
		if len(s) < 3 {
			p.short = append(p.short, s)
			continue
		}
		p.by3[s[:3]] = append(p.by3[s[:3]], s)
	}
	return p
}

// in reports whether v contains one of the entries.
func (p *wlPatterns) in(v string) bool {
	for _, s := range p.short {
		if strings.Contains(v, s) {
			return true
		}
	}
	for i := 0; i+3 <= len(v); i++ {
		for _, s := range p.by3[v[i:i+3]] {
			if strings.HasPrefix(v[i:], s) {
				return true
			}
		}
	}
	return false
}

type wlRegexes struct {
	list int32
	res  []*regexp.Regexp
}

// NewWarninglists indexes lists (only the enabled ones should be given).
// Entries a list type cannot read (a malformed CIDR, a regular expression
// RE2 cannot compile) never match, as in MISP.
func NewWarninglists(lists []*List) *Warninglists {
	w := &Warninglists{lists: lists, v4: map[netip.Prefix][]int32{}, v6: map[netip.Prefix][]int32{},
		host: map[string][]int32{}, str: map[string][]int32{}}
	var b4, b6 [129]bool
	for i, l := range lists {
		li := int32(i)
		var subs []string
		var res []*regexp.Regexp
		for _, e := range l.Entries {
			e = strings.TrimSpace(e)
			if e == "" {
				continue
			}
			switch l.Type {
			case "cidr":
				p, err := listedNet(e)
				if err != nil {
					continue
				}
				if p.Addr().Is4() {
					w.v4[p] = appendOnce(w.v4[p], li)
					b4[p.Bits()] = true
				} else {
					w.v6[p] = appendOnce(w.v6[p], li)
					b6[p.Bits()] = true
				}
			case "hostname":
				h := strings.ToLower(strings.Trim(e, "."))
				w.host[h] = appendOnce(w.host[h], li)
			case "string":
				k := strings.ToLower(e)
				w.str[k] = appendOnce(w.str[k], li)
			case "substring":
				subs = append(subs, strings.ToLower(e))
			case "regex":
				if re, err := compileRegex(e); err == nil {
					res = append(res, re)
				}
			}
		}
		if len(subs) > 0 {
			w.subs = append(w.subs, newPatterns(li, subs))
		}
		if len(res) > 0 {
			w.regex = append(w.regex, wlRegexes{li, res})
		}
	}
	for b := range 129 {
		if b <= 32 && b4[b] {
			w.bits4 = append(w.bits4, b)
		}
		if b6[b] {
			w.bits6 = append(w.bits6, b)
		}
	}
	w.nets4, w.nets6 = sortedNets(w.v4), sortedNets(w.v6)
	return w
}

// Len returns the number of lists.
func (w *Warninglists) Len() int { return len(w.lists) }

func appendOnce(s []int32, v int32) []int32 {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// compileRegex turns a PCRE pattern with delimiters ("/^abc$/i") into a
// Go regexp.
func compileRegex(p string) (*regexp.Regexp, error) {
	if len(p) < 2 {
		return nil, fmt.Errorf("short pattern")
	}
	d := p[0]
	end := strings.LastIndexByte(p, d)
	if end <= 0 || isAlnum(d) || d == '\\' {
		return nil, fmt.Errorf("no delimiters")
	}
	body, mods := p[1:end], p[end+1:]
	flags := ""
	for _, m := range mods {
		switch m {
		case 'i', 'm', 's':
			flags += string(m)
		case 'u', 'D', 'x':
		default:
			return nil, fmt.Errorf("modifier %q", m)
		}
	}
	if flags != "" {
		body = "(?" + flags + ")" + body
	}
	return regexp.Compile(body)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Match returns the first warninglist that applies to in's MISP type and
// holds its canonical value or, for a net, a network inside it: a
// firewall blocking the net blocks what the list names.
func (w *Warninglists) Match(in indicator.Indicator) (Verdict, bool) {
	p, ok := in.Prefix()
	return w.match(in, p, ok)
}

// match is Match given in's address or prefix p (ok false when it has
// none), read once for every rule.
func (w *Warninglists) match(in indicator.Indicator, p netip.Prefix, ok bool) (Verdict, bool) {
	if v, hit := w.matchValue(in, p, ok); hit || w == nil {
		return v, hit
	}
	if ok && p.Bits() < p.Addr().BitLen() {
		if n, li, hit := w.coveredHit(p, w.appliesTo(in.MISPType)); hit {
			covered := n.p.String()
			if n.p.IsSingleIP() {
				covered = n.p.Addr().String()
			}
			return Verdict{RuleWarninglist, w.name(li) + " (covers " + covered + ")"}, true
		}
	}
	return w.matchNAT64(in, p, ok)
}

// matchValue is Match as MISP matches: a net hits only a list holding
// it whole; p and ok are in's address or prefix, as match is given them.
func (w *Warninglists) matchValue(in indicator.Indicator, p netip.Prefix, ok bool) (Verdict, bool) {
	if w == nil || len(w.lists) == 0 {
		return Verdict{}, false
	}
	applies := w.appliesTo(in.MISPType)
	for _, li := range w.hits(in, p, ok, applies) {
		if applies[li] {
			return Verdict{RuleWarninglist, w.name(li)}, true
		}
	}
	return Verdict{}, false
}

// name is the detail naming list li.
func (w *Warninglists) name(li int32) string {
	return "warninglist " + w.lists[li].ID + " " + w.lists[li].Name
}

// appliesTo returns, per list, whether it applies to MISP type t (every
// list applies to an indicator of unknown type).
func (w *Warninglists) appliesTo(t string) []bool {
	if v, ok := w.applies.Load(t); ok {
		return v.([]bool)
	}
	out := make([]bool, len(w.lists))
	for i, l := range w.lists {
		out[i] = t == "" || slices.Contains(l.Types, "ALL") || slices.Contains(l.Types, t)
	}
	w.applies.Store(t, out)
	return out
}

// hits lists the lists whose entries hold in's value; substring and
// regex lists that do not apply are not searched. p and ok are in's
// address or prefix.
func (w *Warninglists) hits(in indicator.Indicator, p netip.Prefix, ok bool, applies []bool) []int32 {
	var out []int32
	v := in.Value
	switch {
	case in.Type.IsIP():
		if ok {
			out = append(out, w.cidrHits(p)...)
		}
	case in.Type.IsName():
		out = append(out, w.hostHits(v)...)
	case in.Type == indicator.URL:
		_, rest := splitScheme(v)
		out = append(out, w.hostHits(strings.Trim(urlHost(rest), "[]"))...)
	}
	lv := strings.ToLower(v)
	out = append(out, w.str[lv]...)
	for i := range w.subs {
		if s := &w.subs[i]; applies[s.list] && s.in(lv) {
			out = append(out, s.list)
		}
	}
	for _, r := range w.regex {
		if !applies[r.list] {
			continue
		}
		for _, re := range r.res {
			if re.MatchString(v) {
				out = append(out, r.list)
				break
			}
		}
	}
	return out
}

// cidrHits: the listed network holds p and is at least as wide.
func (w *Warninglists) cidrHits(p netip.Prefix) []int32 {
	m, bits := w.v4, w.bits4
	if p.Addr().Is6() {
		m, bits = w.v6, w.bits6
	}
	var out []int32
	for _, b := range bits {
		if b > p.Bits() {
			break
		}
		q, err := p.Addr().Prefix(b)
		if err != nil {
			continue
		}
		out = append(out, m[q]...)
	}
	return out
}

// hostHits: the name or one of its parents is listed.
func (w *Warninglists) hostHits(h string) []int32 {
	var out []int32
	for h != "" {
		out = append(out, w.host[h]...)
		i := strings.IndexByte(h, '.')
		if i < 0 {
			break
		}
		h = h[i+1:]
	}
	return out
}

// ParseIndex reads MISP's /warninglists answer and returns the ids of
// the enabled lists.
func ParseIndex(body []byte) ([]string, error) {
	var idx struct {
		Warninglists []struct {
			Warninglist struct {
				ID      json.RawMessage `json:"id"`
				Enabled json.RawMessage `json:"enabled"`
			} `json:"Warninglist"`
		} `json:"Warninglists"`
	}
	if err := json.Unmarshal(body, &idx); err != nil {
		return nil, fmt.Errorf("warninglists index: %w", err)
	}
	var ids []string
	for _, it := range idx.Warninglists {
		id := jsonScalar(it.Warninglist.ID)
		if _, err := strconv.ParseUint(id, 10, 32); err != nil {
			continue
		}
		switch jsonScalar(it.Warninglist.Enabled) {
		case "true", "1":
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// ParseView reads MISP's /warninglists/view/{id} answer.
func ParseView(body []byte) (*List, error) {
	var v struct {
		Warninglist struct {
			ID              json.RawMessage `json:"id"`
			Name            string          `json:"name"`
			Type            string          `json:"type"`
			ValidAttributes string          `json:"valid_attributes"`
			Entries         []struct {
				Value string `json:"value"`
			} `json:"WarninglistEntry"`
			Types []struct {
				Type string `json:"type"`
			} `json:"WarninglistType"`
		} `json:"Warninglist"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("warninglist: %w", err)
	}
	wl := v.Warninglist
	l := &List{ID: jsonScalar(wl.ID), Name: wl.Name, Type: wl.Type}
	for _, t := range wl.Types {
		l.Types = append(l.Types, t.Type)
	}
	if len(l.Types) == 0 {
		for _, t := range strings.Split(wl.ValidAttributes, ",") {
			if t = strings.TrimSpace(t); t != "" {
				l.Types = append(l.Types, t)
			}
		}
	}
	if len(l.Types) == 0 {
		l.Types = []string{"ALL"}
	}
	for _, e := range wl.Entries {
		l.Entries = append(l.Entries, e.Value)
	}
	return l, nil
}

// jsonScalar returns a JSON string's content or a number's or bool's text.
func jsonScalar(m json.RawMessage) string {
	var s string
	if json.Unmarshal(m, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(m))
}

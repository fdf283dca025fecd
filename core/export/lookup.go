package export

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/guard"
	"github.com/cratos-project/cratos/core/indicator"
)

// ErrLookupValue is returned by Lookup for a value that canonicalises to
// no indicator kind.
var ErrLookupValue = errors.New("not an address, prefix, domain, URL, hash or e-mail address")

// LookupRequest asks where a value stands for one site.
type LookupRequest struct {
	Site             *config.Site
	MISPURL, MISPKey string
	Value            string
	Age              string // lists of this age (default 1y)
	// DataType resolves a data type name (a site's mappings.yaml); nil
	// means the built-in table.
	DataType func(name string) (indicator.DataType, bool)
	// Consumer is the asking token's identity: a lookup that reads MISP
	// takes one build from its cold-build budget (Request.Consumer).
	Consumer string
}

// Canonical is one canonical reading of a looked-up value.
type Canonical struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// ListVerdict says whether one feed's list of one data type carries the
// value.
type ListVerdict struct {
	Feed     string `json:"feed"`
	DataType string `json:"data_type"`
	Carried  bool   `json:"carried"`
	// As is the entry that carries it when it is not the value itself (a
	// net holding an address).
	As string `json:"as,omitempty"`
	// KeptOut is the guard rule that keeps it out of the list although
	// MISP returned it.
	KeptOut *guard.Verdict `json:"kept_out,omitempty"`
	// Source is the MISP attribute the list entry came from.
	Source *ListSource `json:"source,omitempty"`
	// Error is why the list could not be read (MISP down, ...).
	Error string `json:"error,omitempty"`
}

// ListSource names the MISP attribute behind a list entry.
type ListSource struct {
	EventID       int64  `json:"event_id"`
	AttributeUUID string `json:"attribute_uuid"`
	MISPType      string `json:"misp_type"`
	ToIDS         bool   `json:"to_ids"`
	Timestamp     int64  `json:"timestamp"`
}

// LookupResult is the whole answer: what the value is, which lists carry
// it or why not, and where in MISP it comes from.
type LookupResult struct {
	Site      string         `json:"site"`
	Input     string         `json:"input"`
	Age       string         `json:"age"`
	Canonical []Canonical    `json:"canonical"`
	Guard     *guard.Verdict `json:"guard,omitempty"`
	Lists     []ListVerdict  `json:"lists"`
	Sources   []Source       `json:"sources"`
	// SourcesError is why MISP could not be searched for the sources.
	SourcesError string `json:"sources_error,omitempty"`
}

// readings returns the canonical indicators value stands for.
func readings(value string) []indicator.Indicator {
	v := strings.TrimSpace(value)
	if p, err := indicator.CanonicalIP(v); err == nil {
		a := p.Addr()
		switch {
		case p.IsSingleIP() && a.Is4():
			return []indicator.Indicator{{Type: indicator.IPv4, Value: a.String()}}
		case p.IsSingleIP():
			return []indicator.Indicator{{Type: indicator.IPv6, Value: a.String()}}
		case a.Is4():
			return []indicator.Indicator{{Type: indicator.IPv4Net, Value: p.String()}}
		}
		return []indicator.Indicator{{Type: indicator.IPv6Net, Value: p.String()}}
	}
	for _, h := range []struct {
		n int
		t indicator.Type
	}{{32, indicator.MD5}, {40, indicator.SHA1}, {64, indicator.SHA256}} {
		if c, err := indicator.CanonicalHex(v, h.n); err == nil {
			return []indicator.Indicator{{Type: h.t, Value: c}}
		}
	}
	if strings.Contains(v, "@") && !strings.Contains(v, "/") {
		if c, err := indicator.CanonicalEmail(v); err == nil {
			return []indicator.Indicator{{Type: indicator.Email, Value: c}}
		}
	}
	if !strings.ContainsAny(v, "/?") {
		if c, err := indicator.CanonicalHost(v); err == nil {
			return []indicator.Indicator{{Type: indicator.Domain, Value: c}, {Type: indicator.Hostname, Value: c}}
		}
	}
	if c, err := indicator.CanonicalURL(v); err == nil {
		return []indicator.Indicator{{Type: indicator.URL, Value: c}}
	}
	return nil
}

// Lookup explains a value for a site: its canonical form, for each feed
// and data type whether the list carries it or which guard rule keeps it
// out, and the MISP attributes it comes from. Lists are read through the
// cache, as a consumer's request would read them.
func (s *Service) Lookup(ctx context.Context, lr LookupRequest) (*LookupResult, error) {
	ins := readings(lr.Value)
	if len(ins) == 0 {
		return nil, fmt.Errorf("lookup %q: %w", lr.Value, ErrLookupValue)
	}
	if lr.Age == "" {
		lr.Age = "1y"
	}
	if _, err := Since(lr.Age, s.opts.Now()); err != nil {
		return nil, err
	}
	dtOf := lr.DataType
	if dtOf == nil {
		dtOf = indicator.LookupDataType
	}
	res := &LookupResult{Site: lr.Site.Name, Input: lr.Value, Age: lr.Age, Lists: []ListVerdict{}}
	for _, in := range ins {
		res.Canonical = append(res.Canonical, Canonical{Type: in.Type.String(), Value: in.Value})
	}
	ttl := time.Minute
	if lr.Site.MemcachedAllTimeout > 0 {
		ttl = time.Duration(lr.Site.MemcachedAllTimeout) * time.Second
	}
	// However many lists it reads, a lookup is one cold build of the
	// token's budget: without one, a cache clear and a lookup in a loop
	// would force MISP reads no budget bounds.
	ctx = withOneColdBuild(ctx)
	base := Request{Site: lr.Site, MISPURL: lr.MISPURL, MISPKey: lr.MISPKey, Kind: KindFeed, Age: lr.Age, TTL: ttl, Consumer: lr.Consumer}
	anyReq := base
	anyReq.Feed = "42"
	if v, ok := s.Policy(ctx, anyReq).Check(ins[0]); !ok {
		res.Guard = &v
	}
	// The sources come first: they say which composite attribute a
	// value kept out by its other half comes from (lookupList).
	src, err := s.sources(ctx, lr, ins)
	if err != nil {
		res.SourcesError = err.Error()
	}
	res.Sources = src
	for _, feed := range config.FeedNames {
		if strings.HasPrefix(feed, "cust") {
			if _, ok := lr.Site.CustomFeeds.Lookup(feed); !ok {
				continue
			}
		}
		for _, name := range indicator.DataTypeNames() {
			dt, ok := dtOf(name)
			if !ok || !slices.ContainsFunc(ins, func(in indicator.Indicator) bool { return dt.Yields.Has(in.Type) }) {
				continue
			}
			r := base
			r.Feed, r.DataType = feed, dt
			res.Lists = append(res.Lists, s.lookupList(ctx, r, ins, src))
		}
	}
	return res, nil
}

// lookupList checks one list; src are the value's MISP sources.
func (s *Service) lookupList(ctx context.Context, r Request, ins []indicator.Indicator, src []Source) ListVerdict {
	lv := ListVerdict{Feed: r.Feed, DataType: r.DataType.Name}
	snap, err := s.snapshot(ctx, r, s.keysFor(r))
	if err != nil {
		lv.Error = err.Error()
		return lv
	}
	found, as, ok := findIn(snap.Indicators.Len(), snap.Indicators.At, r.DataType.Yields, ins)
	if !ok {
		refused := func(i int) indicator.Indicator { return snap.Refused[i] }
		if found, as, ok = findIn(len(snap.Refused), refused, r.DataType.Yields, ins); !ok {
			return s.lookupPair(ctx, r, lv, snap.Refused, ins, src)
		}
	}
	lv.Source = &ListSource{EventID: found.EventID, AttributeUUID: found.UUID, MISPType: found.MISPType, ToIDS: found.ToIDS, Timestamp: found.Timestamp}
	lv.As = as
	if v, ok := s.Policy(ctx, r).Check(found); !ok {
		lv.KeptOut = &v
		return lv
	}
	lv.Carried = true
	return lv
}

// lookupPair says which rule keeps the value out of the list when the
// other half of its composite attribute kept it out (pairGuard).
func (s *Service) lookupPair(ctx context.Context, r Request, lv ListVerdict, refused, ins []indicator.Indicator, src []Source) ListVerdict {
	other, ok := pairKeptOut(refused, r.DataType, ins, src)
	if !ok {
		return lv
	}
	v, ok := pairVerdict(s.Policy(ctx, r), other)
	if !ok {
		return lv
	}
	lv.KeptOut = &v
	lv.Source = &ListSource{EventID: other.EventID, AttributeUUID: other.UUID, MISPType: other.MISPType, ToIDS: other.ToIDS, Timestamp: other.Timestamp}
	return lv
}

// findIn finds one of ins among a snapshot's n indicators, snap(0) to
// snap(n-1); else, for an address, the narrowest net that holds it, and
// for a domain the nearest listed domain above it, which carries it with
// its other subdomains. as is the entry's value when it is not the value
// looked up.
func findIn(n int, snap func(int) indicator.Indicator, yields indicator.TypeSet, ins []indicator.Indicator) (indicator.Indicator, string, bool) {
	for _, in := range ins {
		if !yields.Has(in.Type) {
			continue
		}
		for i := range n {
			if x := snap(i); x.Type == in.Type && x.Value == in.Value {
				return x, "", true
			}
		}
	}
	for _, in := range ins {
		if !yields.Has(in.Type) {
			continue
		}
		best := -1
		switch in.Type {
		case indicator.IPv4, indicator.IPv6:
			best = narrowestNet(n, snap, in.Value)
		case indicator.Domain:
			best = nearestParent(n, snap, in.Value)
		}
		if best >= 0 {
			x := snap(best)
			return x, x.Value, true
		}
	}
	return indicator.Indicator{}, "", false
}

// narrowestNet returns the index of the narrowest net that holds the
// address v, or -1.
func narrowestNet(n int, snap func(int) indicator.Indicator, v string) int {
	a, err := netip.ParseAddr(v)
	if err != nil {
		return -1
	}
	best, bits := -1, -1
	for i := range n {
		if p, ok := snap(i).Prefix(); ok && !p.IsSingleIP() && p.Contains(a) && p.Bits() > bits {
			best, bits = i, p.Bits()
		}
	}
	return best
}

// nearestParent returns the index of the longest domain entry that the
// name v is a subdomain of, or -1.
func nearestParent(n int, snap func(int) indicator.Indicator, v string) int {
	best, size := -1, 0
	for i := range n {
		x := snap(i)
		if x.Type == indicator.Domain && len(x.Value) > size && len(v) > len(x.Value) &&
			strings.HasSuffix(v, x.Value) && v[len(v)-len(x.Value)-1] == '.' {
			best, size = i, len(x.Value)
		}
	}
	return best
}

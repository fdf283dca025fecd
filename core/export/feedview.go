package export

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/guard"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// FeedView is every indicator of one feed that a consumer of whole feeds
// (a TAXII collection) carries, made of one or more cached snapshots and
// passed through the feed's guard policy, as every list is.
type FeedView struct {
	// Source changes whenever one of the snapshots or the guard policy
	// (the site's rules, MISP's warninglists) is replaced, and knows
	// whether its snapshots predate another view's (OlderThan).
	Source    ViewSource
	snapshots []*Snapshot
	policy    *guard.Policy
	rules     *guard.Policy // policy without MISP's warninglists
	pairs     *viewPairs    // the halves of composite attributes rules keep out
}

// ViewSource identifies what a FeedView was made of. Two sources are
// equal (==) when their views hold the same snapshots under the same
// policy.
type ViewSource struct {
	key     string // the snapshots and the policy, by identity
	fetched string // each snapshot's read time (Unix ns), 8 bytes big-endian each
	rules   string // the operator's guard settings (the site's and never_block)
	input   int    // the attributes MISP gave for the snapshots
}

// Basis returns the operator's guard settings the view was made under
// and how many attributes MISP gave for it, before the guard kept any
// out: after a change of those settings, a consumer's circuit breaker
// compares what MISP gave rather than what the new settings keep out.
func (s ViewSource) Basis() (settings string, input int) { return s.rules, s.input }

// OlderThan reports whether s was made of older reads of MISP than
// applied, another view's source: both are made of as many snapshots,
// none of s's read later than applied's and one earlier. A consumer that carries applied
// (a TAXII collection) keeps it rather than go back to s: two requests
// that took their views either side of a refresh would otherwise
// revoke and re-add what the refresh brought. Where a read time of
// applied lies farther ahead of now than clockSlack, the clock was set
// back since, read times no longer tell the order, and s is not older.
func (s ViewSource) OlderThan(applied any, now time.Time) bool {
	a, ok := applied.(ViewSource)
	if !ok || len(a.fetched) != len(s.fetched) || a.fetched == s.fetched {
		return false
	}
	limit := now.Add(clockSlack).UnixNano()
	for i := 0; i < len(s.fetched); i += 8 {
		mine := int64(binary.BigEndian.Uint64([]byte(s.fetched[i : i+8])))
		theirs := int64(binary.BigEndian.Uint64([]byte(a.fetched[i : i+8])))
		if mine > theirs || theirs > limit {
			return false
		}
	}
	return true
}

// Indicators returns the merged, Normalize'd indicators of the view that
// the guard lets through.
func (v FeedView) Indicators() []indicator.Indicator {
	var all []indicator.Indicator
	if len(v.snapshots) == 1 {
		all = v.snapshots[0].Indicators.Slice()
	} else {
		n := 0
		for _, s := range v.snapshots {
			n += s.Indicators.Len()
		}
		all = make([]indicator.Indicator, 0, n)
		for _, s := range v.snapshots {
			all = slices.AppendSeq(all, s.Indicators.All())
		}
		all = indicator.Normalize(all)
	}
	if v.policy == nil {
		return all
	}
	out := make([]indicator.Indicator, 0, len(all))
	for _, in := range all {
		if _, ok := v.policy.Check(in); ok {
			out = append(out, in)
		}
	}
	return out
}

// KeptOut reports whether the operator's guard settings the view was
// made under (the site's rules and never_block, not MISP's
// warninglists) keep in out, as the feed's lists do: in itself, or the
// other half of the composite attributes that give it (pairsKeptOut).
// It reads in's kind and value only.
func (v FeedView) KeptOut(in indicator.Indicator) bool {
	if v.rules == nil {
		return false
	}
	if _, ok := v.rules.Check(in); !ok {
		return true
	}
	return v.pairs.keptOut(in)
}

// FeedView returns the indicators of kinds types of r's feed at r.Age,
// from every data type that yields one of them (lookup resolves data
// type names, honouring mappings.yaml). The data types whose to_ids
// requirement the site keeps are queried as one union; each data type
// the site exempts from to_ids (ignore_to_ids), and each data type of
// names (domain, hostname), is queried on its own, so its snapshot and indicators are the
// ones its feed route uses. Nets are never expanded
// into addresses. r.DataType is not used. The view carries what the
// guard lets through (Service.Policy of r). The view takes one cold build
// from r.Consumer's budget when it reads MISP, however many snapshots it reads.
// It ends within the build timeout (Options.BuildTimeout), as a list's
// build: its waits for build slots and its MISP reads included. The
// views of one feed and MISP key are made once at a time, as a list's
// build (feedview_flight.go): the view goes on while a request waits for
// it, and is cancelled once every one has left (ctx ended).
func (s *Service) FeedView(ctx context.Context, r Request, types indicator.TypeSet, lookup func(string) (indicator.DataType, bool)) (FeedView, error) {
	key := s.viewKey(r, types)
	for try := 0; ; try++ {
		res, err := s.awaitView(ctx, key, r, types, lookup)
		if err != nil {
			return FeedView{}, err
		}
		if try == maxRejoins || !refusedOther(ctx, r, res.Err) && !joinedGivenUp(ctx, res.Err) {
			if res.Err != nil {
				return FeedView{}, res.Err
			}
			return res.Val.(FeedView), nil
		}
	}
}

// feedView makes FeedView's view in ctx, the view's own context.
func (s *Service) feedView(ctx context.Context, r Request, types indicator.TypeSet, lookup func(string) (indicator.DataType, bool)) (FeedView, error) {
	ctx, cancel := misp.WithDeadline(withOneColdBuild(ctx), buildTimeout, s.opts.BuildTimeout)
	defer cancel()
	site := *r.Site
	// No net is expanded: a prefix of 32 bits at least with no budget.
	site.ExpandLimit, site.ExpandMax = 32, -1
	union := indicator.DataType{Name: "feed-view"}
	var parts []indicator.DataType
	for _, name := range indicator.DataTypeNames() {
		if name == "ipv4ext" {
			continue // ipv4 and cidr4 carry the same attributes unexpanded
		}
		dt, ok := lookup(name)
		if !ok || dt.Yields&types == 0 {
			continue
		}
		// Which attributes yield a name, and of which kind, depends on
		// the query (domain|ip names are hostnames in the hostname data
		// type, domains in a query yielding domains, nothing in ipv4),
		// so names get their own queries.
		if ignoresToIDS(r.Site, dt) || dt.Yields&indicator.SetOf(indicator.Domain, indicator.Hostname) != 0 {
			parts = append(parts, dt)
			continue
		}
		for _, t := range dt.MISPTypes {
			if !slices.Contains(union.MISPTypes, t) {
				union.MISPTypes = append(union.MISPTypes, t)
			}
		}
		union.Yields |= dt.Yields & types
	}
	if len(union.MISPTypes) > 0 && !ignoresToIDS(r.Site, union) {
		parts = append([]indicator.DataType{union}, parts...)
	}
	var v FeedView
	var reqs []Request
	var key strings.Builder
	var fetched []byte
	input := 0
	for _, dt := range parts {
		rr := r
		rr.DataType = dt
		if dt.Name == union.Name {
			rr.Site = &site
		}
		snap, err := s.Snapshot(ctx, rr)
		if err != nil {
			return FeedView{}, err
		}
		reqs = append(reqs, rr)
		v.snapshots = append(v.snapshots, snap)
		input += snap.Stats.Attributes
		fmt.Fprintf(&key, "%p/%d;", snap, snap.Fetched.UnixNano())
		fetched = binary.BigEndian.AppendUint64(fetched, uint64(snap.Fetched.UnixNano()))
	}
	// The policy once MISP answered: a MISP that fails is not asked
	// for its warninglists too.
	p, w := s.policyParts(ctx, r)
	v.policy, v.rules = p, p
	v.pairs = &viewPairs{find: func() map[pairValue]struct{} { return s.pairsKeptOut(reqs, p) }}
	if w != nil {
		v.policy = p.WithWarninglists(w)
	}
	fmt.Fprintf(&key, "guard %p/%p", p, w)
	v.Source = ViewSource{key: key.String(), fetched: string(fetched), rules: guardRules(r.Site) + s.neverBlockKey, input: input}
	return v, nil
}

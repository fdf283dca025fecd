package export

import (
	"cmp"
	"context"
	"iter"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/guard"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/internal/workgroup"
)

// maxPolicies bounds the cache of guard policies (one per site version
// and MISP URL).
const maxPolicies = 1024

// maxHolds bounds the held lists remembered. A list whose hold is
// forgotten is held again at its next build if the breaker still trips.
const maxHolds = 10000

// guardState is the Service's guard stage: policies per site and MISP
// URL, MISP's warninglists per MISP instance and key, and held lists.
type guardState struct {
	policies *cache.LRU[policyKey, *guard.Policy]
	wl       *guard.WarninglistCache
	holds    *cache.LRU[string, *holdState] // artifact key -> hold
	holdsMu  sync.Mutex                     // orders changes of holds and nholds
	nholds   atomic.Int64                   // holds.Len(), read without a lock
}

type policyKey struct {
	site *config.Site
	url  string
}

func newGuardState(opts Options) *guardState {
	return &guardState{
		policies: cache.NewLRU(cache.LRUOptions[policyKey, *guard.Policy]{MaxItems: maxPolicies}),
		wl:       guard.NewWarninglistCache(opts.WarninglistTTL, opts.Now),
		holds:    cache.NewLRU(cache.LRUOptions[string, *holdState]{MaxItems: maxHolds}),
	}
}

// Policy returns the guard policy a request's lists go through: the site's
// rules, config.yaml's never_block, the site's MISP hosts and, for feeds
// that ask MISP to enforce warninglists, MISP's enabled warninglists.
func (s *Service) Policy(ctx context.Context, r Request) *guard.Policy {
	p, w := s.policyParts(ctx, r)
	if w == nil {
		return p
	}
	return p.WithWarninglists(w)
}

// policyParts returns the two parts of r's policy: the site's rules and
// MISP's warninglists (nil when not applied or never read). Each pointer
// changes when its part does.
func (s *Service) policyParts(ctx context.Context, r Request) (*guard.Policy, *guard.Warninglists) {
	g := s.guard
	p := s.basePolicy(r)
	if !r.Site.Guard.WarninglistsOn() || (r.Kind != KindOrg && r.Feed == "42") {
		return p, nil
	}
	client := misp.New(s.clientOptions(r))
	w, err := g.wl.Get(ctx, s.keyID(r.Site.Name+"\x00"+r.MISPURL+"\x00"+r.MISPKey), client)
	if err != nil {
		s.opts.Logger.Warn("MISP warninglists unavailable; MISP's own enforcement only", "site", r.Site.Name, "have_previous", w != nil, "error", err)
	}
	return p, w
}

// basePolicy returns the request's policy without MISP's warninglists.
func (s *Service) basePolicy(r Request) *guard.Policy {
	pk := policyKey{r.Site, r.MISPURL}
	if p, ok := s.guard.policies.Get(pk); ok {
		return p
	}
	p, _ := s.guard.policies.LoadOrStore(pk, guard.New(r.Site, s.opts.NeverBlock, r.Site.MISPURL, r.MISPURL))
	return p
}

// GuardObserver is told, on each build, how many values the guard kept
// out of the list l, by drop reason ("guard: <rule>"); an Observer may
// implement it.
type GuardObserver interface {
	GuardKeptOut(l ListLabels, dropped map[string]int)
}

// guardNets moves the IPv4 nets the address rules refuse out of ins
// before ipv4ext expands them.
func (s *Service) guardNets(r Request, ins []indicator.Indicator) (kept, refused []indicator.Indicator) {
	p := s.basePolicy(r)
	kept = ins[:0]
	for _, in := range ins {
		if in.Type == indicator.IPv4Net {
			if pr, ok := in.Prefix(); ok {
				if _, ok := p.CheckPrefix(pr); !ok {
					refused = append(refused, in)
					continue
				}
			}
		}
		kept = append(kept, in)
	}
	clear(ins[len(kept):])
	return kept, refused
}

// refusedCounts counts a snapshot's refused values by drop reason: the
// nets refused before expansion, and the other halves of composite
// attributes that kept the half a list takes out (pairGuard), told apart
// by a type the data type, yields, does not yield.
func refusedCounts(p *guard.Policy, yields indicator.TypeSet, refused []indicator.Indicator) map[string]int {
	if len(refused) == 0 {
		return nil
	}
	out := map[string]int{}
	for _, in := range refused {
		if !yields.Has(in.Type) {
			if v, ok := p.CheckPair(in); !ok {
				out[guard.DropReason(v.Rule)]++
			}
			continue
		}
		rule := guard.RuleReserved
		if pr, ok := in.Prefix(); ok {
			if v, ok := p.CheckPrefix(pr); !ok {
				rule = v.Rule
			}
		}
		out[guard.DropReason(rule)]++
	}
	return out
}

// pairGuard keeps out, as its list's indicators are extracted, the half of
// a composite attribute whose other half r's policy keeps out (MISP drops
// such an attribute whole), and keeps those other halves to count them.
// It is safe for concurrent use.
type pairGuard struct {
	p      *guard.Policy
	mu     sync.Mutex
	others []indicator.Indicator
}

// pairGuard returns r's pair guard, with r's whole policy (MISP's
// warninglists included).
func (s *Service) pairGuard(ctx context.Context, r Request) *pairGuard {
	return &pairGuard{p: s.Policy(ctx, r)}
}

// keepOut is an indicator.Extractor's pair check.
func (g *pairGuard) keepOut(other indicator.Indicator) bool {
	if _, ok := g.p.CheckPair(other); ok {
		return false
	}
	other.Value, other.UUID = strings.Clone(other.Value), strings.Clone(other.UUID)
	g.mu.Lock()
	g.others = append(g.others, other)
	g.mu.Unlock()
	return true
}

// attach has x ask g about composite attributes; g may be nil.
func (g *pairGuard) attach(x *indicator.Extractor) {
	if g != nil {
		x.CheckPairs(g.keepOut)
	}
}

// kept returns the other halves that kept an indicator out, in a
// stable order.
func (g *pairGuard) kept() []indicator.Indicator {
	if g == nil || len(g.others) == 0 {
		return nil
	}
	slices.SortFunc(g.others, func(a, b indicator.Indicator) int {
		return cmp.Or(cmp.Compare(a.Value, b.Value), cmp.Compare(a.MISPType, b.MISPType), cmp.Compare(a.UUID, b.UUID))
	})
	return g.others
}

// guarded returns the indicators of ins of the given types that p lets
// through, and counts the others by rule. The verdicts are taken once
// and kept as one bit per indicator, so the sequence can be read again
// (content digest, render, package) without a copy of the list. A long
// list is checked in stretches of whole 64-indicator words, each on its
// own goroutine.
func guarded(p *guard.Policy, ins *indicator.List, types indicator.TypeSet) (iter.Seq[indicator.Indicator], map[string]int) {
	workers := 1
	if ins.Len() >= guardParallelMin {
		workers = listWorkers
	}
	words := (ins.Len() + 63) / 64
	out := make([]uint64, words) // bit i set: ins[i] is kept out
	per := (words + workers - 1) / workers
	counts := make([]map[string]int, workers)
	var wg workgroup.Group
	for w := range workers {
		from, to := min(w*per*64, ins.Len()), min((w+1)*per*64, ins.Len())
		wg.Go(func() {
			for i := from; i < to; i++ {
				if !types.Has(ins.Type(i)) {
					continue
				}
				if v, ok := p.Check(ins.At(i)); !ok {
					if counts[w] == nil {
						counts[w] = map[string]int{}
					}
					counts[w][guard.DropReason(v.Rule)]++
					out[i/64] |= 1 << (i % 64)
				}
			}
		})
	}
	wg.Wait()
	var dropped map[string]int
	for _, c := range counts {
		for reason, n := range c {
			if dropped == nil {
				dropped = map[string]int{}
			}
			dropped[reason] += n
		}
	}
	if dropped == nil {
		out = nil
	}
	return func(yield func(indicator.Indicator) bool) {
		for i := range ins.Len() {
			if !types.Has(ins.Type(i)) || out != nil && out[i/64]&(1<<(i%64)) != 0 {
				continue
			}
			if !yield(ins.At(i)) {
				return
			}
		}
	}, dropped
}

// guardParallelMin is the length from which guarded checks a list in
// stretches at the same time.
const guardParallelMin = 1 << 16

package export

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cratos-project/cratos/core/cache"
	"github.com/cratos-project/cratos/core/misp"
)

// Limits bound what building lists may cost. Zero values take the
// defaults of config.Limits.
type Limits struct {
	// MaxBuilds caps the lists being read from MISP at once, process wide
	// (default 4); a build waits for a slot within its build timeout. One
	// consumer's builds hold at most all of them but one (share); when
	// Sites counts more than one, a site's reads keep slots free for the
	// others (siteSlots).
	MaxBuilds int
	// Sites, when set, counts the sites configured.
	Sites func() int
	// MISPMaxResponseBytes, MISPMaxPages and MISPMaxAttributes bound one
	// build's MISP answers (see misp.Options).
	MISPMaxResponseBytes int64
	MISPMaxPages         int
	MISPMaxAttributes    int
	// RenderMaxBytes bounds one rendered list (default 256 MiB).
	RenderMaxBytes int64
	// ColdBuildsPerMinute is how many lists one consumer (Request.Consumer)
	// may have fetched from MISP per minute; 0 means no budget.
	ColdBuildsPerMinute int
	// RendersPerMinute is how many lists that are not in the cache one
	// consumer may have rendered per minute, from MISP or from indicators
	// already read; 0 means no budget.
	RendersPerMinute int
}

// DefaultRenderTimeout bounds one render when Options.RenderTimeout is
// zero; plugins keep their own deadline below it.
const DefaultRenderTimeout = 2 * time.Minute

// ErrBuildBudget refuses a list that would be fetched from MISP when the
// consumer has used its cold-build budget.
var ErrBuildBudget = errors.New("too many lists built from MISP for this token in the last minute; cached lists are still served")

// ErrRenderBudget refuses a list that is not in the cache when the
// consumer has used its render budget.
var ErrRenderBudget = errors.New("too many lists rendered for this token in the last minute; cached lists are still served")

// BudgetError is ErrBuildBudget, or with Renders ErrRenderBudget
// (errors.Is), with the time until the consumer's budget allows its next
// cold build or render.
type BudgetError struct {
	RetryAfter time.Duration
	Renders    bool   // the render budget refused
	consumer   string // whose budget refused
}

func (e *BudgetError) Error() string {
	if e.Renders {
		return ErrRenderBudget.Error()
	}
	return ErrBuildBudget.Error()
}

func (e *BudgetError) Is(target error) bool {
	return target == ErrBuildBudget && !e.Renders || target == ErrRenderBudget && e.Renders
}

// maxRejoins bounds how many more builds a request joins or starts after
// the one it waited for was refused for another consumer's budget.
const maxRejoins = 8

// refusedOther reports whether err is a cold-build refusal made for
// another caller than the build of r in ctx: another consumer's build that
// r joined, in a single flight, or a consumer's build that a background
// rebuild joined. r's own budget was not asked, and r builds again.
func refusedOther(ctx context.Context, r Request, err error) bool {
	var be *BudgetError
	return errors.As(err, &be) && (be.consumer != r.Consumer || IsBackground(ctx))
}

// ErrBusy is a wait for a build or render slot that ended (the build
// timeout) before one was free: the lists built here kept it waiting,
// not MISP.
var ErrBusy = errors.New("busy")

// SlotError is ErrBusy (errors.Is) naming the slots waited for; it
// unwraps to the error of the context that ended the wait.
type SlotError struct {
	Site   string
	Detail string // which slots: "no build slot free (max_concurrent_builds 4)"
	cause  error
}

func (e *SlotError) Error() string        { return "busy: " + e.Detail }
func (e *SlotError) Is(target error) bool { return target == ErrBusy }
func (e *SlotError) Unwrap() error        { return e.cause }

// waitingForSlot tells the callers that join the MISP read running in ctx,
// if any, that it waits for a slot, until done is called: one that
// reaches its deadline meanwhile is busy, as its own read would have been,
// not timed out by MISP.
func waitingForSlot(ctx context.Context, site, detail string) (done func()) {
	return cache.WaitingOn(ctx, &SlotError{Site: site, Detail: detail, cause: context.DeadlineExceeded})
}

// ErrRenderTooLarge is a rendered list past Limits.RenderMaxBytes.
var ErrRenderTooLarge = errors.New("rendered list is larger than render_max_bytes")

// buildLimiter holds a Service's build slots, each consumer's share of
// them, the requests waiting for each build, and the consumers'
// cold-build budgets.
type buildLimiter struct {
	lim   Limits
	slots chan struct{}

	// shares has an entry per consumer with a build holding or waiting
	// for its share of slots.
	shares shareSet
	// shareFull, in tests, is told of a build waiting for its consumer's
	// share.
	shareFull func(consumer string)
	// sites is how the slots are held by each site's MISP reads;
	// siteFull, in tests, is told of a read waiting for a slot kept for
	// other sites.
	sites    siteSlots
	siteFull func(site string)

	// renders bounds the renders of large lists at once (renderslots.go).
	renders renderSlots

	// waiting has an entry per build running: it is bounded by them.
	mu      sync.Mutex
	waiting map[string]*waiters

	coldMu  sync.Mutex
	cold    *cache.LRU[string, *bucket] // consumer -> budget
	budgets *cache.LRU[string, *bucket] // consumer -> render budget, under coldMu
}

func newBuildLimiter(l Limits) *buildLimiter {
	if l.MaxBuilds <= 0 {
		l.MaxBuilds = 4
	}
	if l.RenderMaxBytes <= 0 {
		l.RenderMaxBytes = 256 << 20
	}
	return &buildLimiter{lim: l, slots: make(chan struct{}, l.MaxBuilds), waiting: map[string]*waiters{},
		shares:  shareSet{m: map[string]*share{}},
		sites:   siteSlots{held: map[string]int{}, changed: make(chan struct{})},
		renders: newRenderSlots(l.MaxBuilds),
		cold:    cache.NewLRU(cache.LRUOptions[string, *bucket]{MaxItems: coldBudgetMaxConsumers}),
		budgets: cache.NewLRU(cache.LRUOptions[string, *bucket]{MaxItems: coldBudgetMaxConsumers})}
}

// acquire takes a build slot for a MISP read of site, waiting at most
// until ctx ends; with more than one site enabled, under the rule of
// siteSlots. A MISP read waiting for one says so to the callers joining
// it (waitingForSlot).
func (b *buildLimiter) acquire(ctx context.Context, site string) (func(), error) {
	if b.sharedBySites() {
		return b.takeSite(ctx, site)
	}
	release := func() { b.freeSlot(site, false) }
	select {
	case b.slots <- struct{}{}:
		return release, nil
	default:
	}
	detail := fmt.Sprintf("no build slot free (max_concurrent_builds %d)", cap(b.slots))
	defer waitingForSlot(ctx, site, detail)()
	select {
	case b.slots <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, &SlotError{Site: site, Detail: detail, cause: ctx.Err()}
	}
}

// waiters counts the requests waiting for one build; when the last one
// gives up, the build is cancelled. A caller whose context never ends (a
// background refresh) keeps its build alive.
type waiters struct {
	n      int
	cancel context.CancelFunc
	// consumer is the first request's consumer; mixed is closed once a
	// request of another consumer (or of none) waits too.
	consumer string
	mixed    chan struct{}
}

// join counts a request of consumer waiting for the build of key.
func (b *buildLimiter) join(key, consumer string) *waiters {
	b.mu.Lock()
	defer b.mu.Unlock()
	w := b.waiting[key]
	if w == nil {
		w = &waiters{consumer: consumer, mixed: make(chan struct{})}
		b.waiting[key] = w
	} else if consumer != w.consumer {
		select {
		case <-w.mixed:
		default:
			close(w.mixed)
		}
	}
	w.n++
	return w
}

type waitersKey struct{}

// withWaiters returns ctx for the build that the requests counted in w
// wait for.
func withWaiters(ctx context.Context, w *waiters) context.Context {
	return context.WithValue(ctx, waitersKey{}, w)
}

// joinedByOthers returns a channel closed once requests of more than one
// consumer wait for the build running in ctx (nil, never closed, for
// another build).
func joinedByOthers(ctx context.Context) <-chan struct{} {
	if w, ok := ctx.Value(waitersKey{}).(*waiters); ok {
		return w.mixed
	}
	return nil
}

// started registers the cancel function of the build for key; a build
// nobody waits for any more is cancelled at once.
func (b *buildLimiter) started(key string, cancel context.CancelFunc) {
	b.mu.Lock()
	defer b.mu.Unlock()
	w := b.waiting[key]
	if w == nil {
		cancel()
		return
	}
	w.cancel = cancel
}

// leave ends one wait; gaveUp says the request left before the result.
func (b *buildLimiter) leave(key string, w *waiters, gaveUp bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	w.n--
	if w.n > 0 {
		return
	}
	if b.waiting[key] == w {
		delete(b.waiting, key)
	}
	if gaveUp && w.cancel != nil {
		w.cancel()
	}
}

// bucket is a token bucket of cold builds.
type bucket struct {
	tokens float64
	at     time.Time
}

const coldBudgetMaxConsumers = 100_000

// coldWait takes one cold build from consumer's budget and returns 0,
// or, when the budget is spent, how long until it allows one.
func (b *buildLimiter) coldWait(consumer string, now time.Time) time.Duration {
	return b.take(b.cold, b.lim.ColdBuildsPerMinute, consumer, now)
}

// renderWait takes one render from consumer's budget and returns 0, or,
// when the budget is spent, how long until it allows one.
func (b *buildLimiter) renderWait(consumer string, now time.Time) time.Duration {
	return b.take(b.budgets, b.lim.RendersPerMinute, consumer, now)
}

// take takes one from consumer's bucket of per a minute in budgets.
func (b *buildLimiter) take(budgets *cache.LRU[string, *bucket], per int, consumer string, now time.Time) time.Duration {
	if per <= 0 || consumer == "" {
		return 0
	}
	b.coldMu.Lock()
	defer b.coldMu.Unlock()
	k, _ := budgets.LoadOrStore(consumer, &bucket{tokens: float64(per), at: now})
	k.tokens = min(float64(per), k.tokens+now.Sub(k.at).Minutes()*float64(per))
	k.at = now
	if k.tokens < 1 {
		return max(time.Duration((1-k.tokens)*float64(time.Minute)/float64(per)), time.Nanosecond)
	}
	k.tokens--
	return 0
}

// oneColdBuild, in a context, makes the cold reads of one request count as
// one cold build: a TAXII poll reads a snapshot per group of data types.
type oneColdBuild struct{ taken atomic.Bool }

type oneColdBuildKey struct{}

// withOneColdBuild returns ctx in which every cold read after the first
// takes nothing from the consumer's budget.
func withOneColdBuild(ctx context.Context) context.Context {
	return context.WithValue(ctx, oneColdBuildKey{}, &oneColdBuild{})
}

// coldWaitIn is coldWait for a read made in ctx (withOneColdBuild).
func (b *buildLimiter) coldWaitIn(ctx context.Context, consumer string, now time.Time) time.Duration {
	one, _ := ctx.Value(oneColdBuildKey{}).(*oneColdBuild)
	if one != nil && one.taken.Load() {
		return 0
	}
	wait := b.coldWait(consumer, now)
	if wait == 0 && one != nil {
		one.taken.Store(true)
	}
	return wait
}

// mispOptions applies the limits to a MISP client's options.
func (b *buildLimiter) mispOptions(o misp.Options) misp.Options {
	o.MaxResponseBytes = b.lim.MISPMaxResponseBytes
	o.MaxPages = b.lim.MISPMaxPages
	o.MaxAttributes = b.lim.MISPMaxAttributes
	return o
}

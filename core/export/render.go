package export

import (
	"context"
	"iter"
	"maps"
	"sync"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// rendered is a list render made, with what accepting it needs.
type rendered struct {
	a      *Artifact
	serial uint32 // a's zone serial: noted for its URL once a is accepted
	// baseline is the list last served at the URL (previousList), of
	// artifact key baselineKey: the circuit breaker compares a with it.
	baseline    *Artifact
	baselineKey string
	// acceptedBefore is how many lists of the key were accepted when
	// the baseline was taken (baselineNow).
	acceptedBefore uint64
	// shared is what the shared level held of the list's last good
	// list, for a renderer that versions its objects (previous_shared.go).
	shared sharedPrevious
}

// render turns a snapshot into an artifact. The date it is given is noted
// for its URL by the caller once the circuit breaker accepts it: a held
// list leaves the URL with the date and key of the list served.
func (s *Service) render(ctx context.Context, r Request, rd renderers.Renderer, k keys, snap *Snapshot) (rendered, error) {
	info := rd.Info()
	types := indicator.SetOf(info.Types...) & r.DataType.Yields
	policy := s.Policy(ctx, r)
	// The slot is taken once the policy is (it may read MISP's
	// warninglists) and kept to the end: the content hash, the render
	// and its second pass all read the whole list.
	release, err := s.limits.renders.take(ctx, r, snap.Indicators.Len())
	if err != nil {
		return rendered{}, err
	}
	defer release()
	in, guardDropped := guarded(policy, &snap.Indicators, types)
	if r.Kind == KindVendor && r.Vendor == "paloalto" {
		in = stripSchemes(in)
	}
	opts := r.rendererOptions(info.Name)
	if r.Kind == KindVendor {
		opts = nil
	}
	// The list is dated by when its content last changed, not by when
	// MISP was last read, so an unchanged list keeps its bytes, ETag and
	// checksum across rebuilds and pollers get 304s.
	since, serial := s.sharedContentSince(ctx, k.artifact, in, snap.Fetched) // content_shared.go
	// Counted before the list's date and baseline are read: a list
	// accepted after either read is compared with (baselineNow).
	acceptedBefore := s.accepts(k.artifact).accepted.Load()
	listed, here := s.lastListDate(ctx, k) // listdate.go
	since, serial = s.succeedList(ctx, k, listed, since, serial)
	base := map[string]int{}
	for k, n := range guardDropped {
		base[k] += n
	}
	for k, n := range refusedCounts(policy, r.DataType.Yields, snap.Refused) {
		base[k] += n
	}
	// The nets refused before expansion, and the halves of composite
	// attributes refused for the other half, were kept out by the guard too.
	if o, ok := s.opts.Observer.(GuardObserver); ok {
		o.GuardKeptOut(listLabels(r, info.Name), base)
	}
	// The last good list is what devices hold: a renderer that versions
	// its objects reads it (Request.Previous), in memory or, after a
	// restart, from the state directory; after a change of settings, the
	// one last served at the list's URL, under its former key.
	// The circuit breaker compares the list with the one this process
	// served (atURL); the newer bundle another replica left in the shared
	// level only versions the objects: its builder may have had nothing
	// to hold it against.
	own, _ := s.lastGood(k.artifact)
	last := own
	var shared sharedPrevious
	if info.Versioned && r.Package != PackageTarGz {
		last, shared = s.newerPrevious(ctx, k.artifact, own) // previous_shared.go
	}
	atURL, atURLKey := s.atURL(ctx, k, listed, here, own)
	previous := atURL
	if atURLKey == k.artifact || r.Package == PackageTarGz { // a package is not given one
		previous = last
	}
	body, err := s.renderBody(ctx, r, rd, k, in, opts, since, serial, base, previous)
	if err != nil {
		return rendered{}, err
	}
	// The date names one version of the list's bytes: bytes that differ
	// from the last good list's under its date (a renderer that changed,
	// a field other than the value) are a change too, or a client asking
	// If-Modified-Since with that date would keep the old bytes.
	if last != nil && last.Generated.Equal(since) && last.ETag != body.etag {
		since, serial = s.redateContent(ctx, k.artifact, snap.Fetched)
		if body, err = s.renderBody(ctx, r, rd, k, in, opts, since, serial, base, previous); err != nil {
			return rendered{}, err
		}
	}
	a := &Artifact{
		Body:        body.body,
		ETag:        body.etag,
		ContentType: body.contentType,
		Generated:   since,
		Fetched:     snap.Fetched,
		Entries:     body.entries,
		Invalid:     snap.Stats.Invalid,
		KeptNets:    snap.Stats.KeptNets,
		Dropped:     body.dropped,
		Input:       snap.Stats.Attributes,
		HasInput:    true,
	}
	return rendered{a: a, serial: serial, baseline: atURL, baselineKey: atURLKey,
		acceptedBefore: acceptedBefore, shared: shared}, nil
}

func feedLabel(r Request) string {
	if r.Kind == KindOrg {
		return "org:" + r.Org
	}
	return r.Feed
}

// stripSchemes removes the URL scheme before de-duplication, as a Palo
// Alto URL list wants, and restores the order.
func stripSchemes(in iter.Seq[indicator.Indicator]) iter.Seq[indicator.Indicator] {
	return func(yield func(indicator.Indicator) bool) {
		var out []indicator.Indicator
		for i := range in {
			if i.Type == indicator.URL {
				_, i.Value = indicator.SplitScheme(i.Value)
			}
			out = append(out, i)
		}
		for _, i := range indicator.Normalize(out) {
			if !yield(i) {
				return
			}
		}
	}
}

// renderedBody is what renderBody made.
type renderedBody struct {
	body        []byte
	etag        string
	contentType string
	entries     int
	dropped     map[string]int
}

// renderBody renders in under the date since and zone serial, packaged
// as r asks; dropped starts from base. last is the list last served at
// r's URL (previousList), or nil.
func (s *Service) renderBody(ctx context.Context, r Request, rd renderers.Renderer, k keys, in iter.Seq[indicator.Indicator],
	opts map[string]string, since time.Time, serial uint32, base map[string]int, last *Artifact) (renderedBody, error) {
	info := rd.Info()
	entries := 0
	counted := func(yield func(indicator.Indicator) bool) {
		for i := range in {
			entries++
			if !yield(i) {
				return
			}
		}
	}
	var mu sync.Mutex
	dropped := maps.Clone(base)
	req := renderers.Request{
		Site:      r.Site.Name,
		Feed:      feedLabel(r),
		DataType:  r.DataType.Name,
		Age:       r.Age,
		Generated: since,
		Serial:    serial,
		Options:   opts,
		Dropped: func(reason string, n int) {
			mu.Lock()
			dropped[reason] += n
			mu.Unlock()
		},
	}
	rctx, cancel := context.WithTimeout(ctx, s.opts.RenderTimeout)
	defer cancel()
	buf := listBuffer{max: s.limits.lim.RenderMaxBytes} // listbuf.go
	if last != nil && r.Package != PackageTarGz {
		req.Previous = last.Body
		buf.reuse(last.Body)
	}
	if err := rd.Render(rctx, &buf, req, counted); err != nil {
		return renderedBody{}, &RenderError{Renderer: info.Name, Err: err}
	}
	body := buf.Bytes()
	contentType := info.ContentType
	if r.Package == PackageTarGz {
		packed, err := packageTarGz(rctx, rd, req, in, body)
		if err != nil {
			return renderedBody{}, &RenderError{Renderer: info.Name, Err: err}
		}
		body, contentType = packed, "application/gzip"
	}
	return renderedBody{body: body, etag: ETagOf(body), contentType: contentType, entries: entries, dropped: dropped}, nil
}

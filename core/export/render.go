package export

import (
	"context"
	"iter"
	"strings"
	"sync"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// render turns a snapshot into an artifact.
func (s *Service) render(ctx context.Context, r Request, rd renderers.Renderer, k keys, snap *Snapshot) (*Artifact, error) {
	info := rd.Info()
	types := indicator.SetOf(info.Types...) & r.DataType.Yields
	in, guardDropped := guarded(s.Policy(ctx, r), &snap.Indicators, types)
	if o, ok := s.opts.Observer.(GuardObserver); ok {
		o.GuardKeptOut(r.Site.Name, feedLabel(r), info.Name, guardDropped)
	}
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
	dropped := map[string]int{}
	for k, n := range guardDropped {
		dropped[k] += n
	}
	for k, n := range refusedCounts(s.basePolicy(r), snap.Refused) {
		dropped[k] += n
	}
	req := renderers.Request{
		Site:      r.Site.Name,
		Feed:      feedLabel(r),
		DataType:  r.DataType.Name,
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
	if last, ok := s.arts.LastGood(k.artifact); ok && r.Package != PackageTarGz {
		buf.reuse(last.Body)
	}
	if err := rd.Render(rctx, &buf, req, counted); err != nil {
		return nil, &RenderError{Renderer: info.Name, Err: err}
	}
	body := buf.Bytes()
	contentType := info.ContentType
	if r.Package == PackageTarGz {
		packed, err := packageTarGz(rctx, rd, req, in, body)
		if err != nil {
			return nil, &RenderError{Renderer: info.Name, Err: err}
		}
		body, contentType = packed, "application/gzip"
	}
	return &Artifact{
		Body:        body,
		ETag:        ETagOf(body),
		ContentType: contentType,
		Generated:   since,
		Fetched:     snap.Fetched,
		Entries:     entries,
		Invalid:     snap.Stats.Invalid,
		KeptNets:    snap.Stats.KeptNets,
		Dropped:     dropped,
	}, nil
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
				if _, rest, ok := strings.Cut(i.Value, "://"); ok {
					i.Value = rest
				}
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

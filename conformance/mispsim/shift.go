package mispsim

import (
	"math"
	"slices"
	"strings"
	"time"
)

// Time placement of loaded events (see the package documentation).
const (
	youngestAnchor = 20 * time.Minute
	oldestAnchor   = 540 * 24 * time.Hour
	oldestAge      = 730 * 24 * time.Hour
)

// shiftEvents moves each event in time so that the data looks current. The
// events are ranked by their newest attribute, newest first; rank r of n
// places the event's newest attribute at age 20min·(540d/20min)^(r/(n-1)),
// so the ranks spread evenly on a log scale from 20 minutes to 540 days. All
// attributes of an event move by the same amount, keeping their spacing,
// unless that would make one older than 730 days: then the event's span is
// compressed to fit. first_seen and last_seen move with their attribute.
func shiftEvents(events []Event, now time.Time) {
	n := len(events)
	if n == 0 {
		return
	}
	type ranked struct {
		i              int
		newest, oldest int64
	}
	rs := make([]ranked, n)
	for i, ev := range events {
		r := ranked{i: i, newest: math.MinInt64, oldest: math.MaxInt64}
		for _, a := range ev.Attributes {
			if a.Timestamp != 0 {
				r.newest = max(r.newest, a.Timestamp)
				r.oldest = min(r.oldest, a.Timestamp)
			}
		}
		if r.newest == math.MinInt64 {
			r.newest, r.oldest = now.Unix(), now.Unix()
		}
		rs[i] = r
	}
	slices.SortStableFunc(rs, func(a, b ranked) int {
		if a.newest != b.newest {
			if a.newest > b.newest {
				return -1
			}
			return 1
		}
		return strings.Compare(events[a.i].UUID, events[b.i].UUID)
	})
	nowS := now.Unix()
	for rank, r := range rs {
		frac := 0.0
		if n > 1 {
			frac = float64(rank) / float64(n-1)
		}
		anchor := float64(youngestAnchor) * math.Pow(float64(oldestAnchor)/float64(youngestAnchor), frac)
		anchorS := int64(anchor / float64(time.Second))
		newest := nowS - anchorS
		span := r.newest - r.oldest
		scale := 1.0
		if limit := int64(oldestAge/time.Second) - anchorS; span > limit && span > 0 {
			scale = float64(limit) / float64(span)
		}
		ev := &events[r.i]
		for j := range ev.Attributes {
			a := &ev.Attributes[j]
			old := a.Timestamp
			if old == 0 {
				old = r.newest
			}
			a.Timestamp = newest - int64(float64(r.newest-old)*scale)
			delta := a.Timestamp - old
			a.FirstSeen = shiftISO(a.FirstSeen, delta)
			a.LastSeen = shiftISO(a.LastSeen, delta)
		}
	}
}

// shiftISO moves an ISO 8601 time by delta seconds, in MISP's
// microsecond format; values it cannot read are kept.
func shiftISO(v string, delta int64) string {
	if v == "" {
		return v
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return v
	}
	return t.Add(time.Duration(delta) * time.Second).UTC().Format("2006-01-02T15:04:05.000000-07:00")
}

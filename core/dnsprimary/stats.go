package dnsprimary

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"
)

// Reasons a rebuild of a zone fails, as ZoneStats counts them. A Source
// names its reason with SourceFailure; the server adds FailZoneText and
// FailTimeout, and counts any other failure as FailOther; a rebuild
// cancelled (by Close) is not counted.
const (
	FailToken    = "token"     // the zone's token no longer verifies, or is revoked or too long-lived
	FailSite     = "site"      // the token's site file is gone or the site disabled
	FailMISP     = "misp"      // MISP unavailable: only a stale list could be had
	FailHeld     = "held"      // the circuit breaker held a rebuilt list
	FailZoneText = "zone_text" // the Source's text was rejected
	FailTimeout  = "timeout"   // the rebuild outlasted its time
	FailOther    = "other"
)

// FailureReasons lists every reason ZoneStats.Failures counts.
var FailureReasons = [...]string{FailToken, FailSite, FailMISP, FailHeld, FailZoneText, FailTimeout, FailOther}

// Kinds of transfer served, as ZoneStats counts them.
const (
	TransferAXFR         = "axfr"
	TransferIXFR         = "ixfr"               // incremental, or the current SOA to a secondary up to date (over UDP too)
	TransferIXFRFallback = "ixfr_fallback_axfr" // an IXFR answered with the whole zone
)

// TransferTypes lists every kind ZoneStats.Transfers counts.
var TransferTypes = [...]string{TransferAXFR, TransferIXFR, TransferIXFRFallback}

// sourceFailure is a Source error with the reason it failed for.
type sourceFailure struct {
	reason string
	err    error
	// serve says that the text returned with the error is served all
	// the same (SourceHeld).
	serve bool
}

func (f *sourceFailure) Error() string { return f.err.Error() }
func (f *sourceFailure) Unwrap() error { return f.err }

// SourceFailure returns err marked as a failure of reason (one of
// FailureReasons), which ZoneStats counts it under.
func SourceFailure(reason string, err error) error { return &sourceFailure{reason: reason, err: err} }

// SourceHeld returns err, the circuit breaker's hold of a list, as a
// failure counted under FailHeld whose text the zone takes all the same:
// the Source built it from what the held lists' URLs serve (the last good
// lists, under the current guard and options).
func SourceHeld(err error) error { return &sourceFailure{reason: FailHeld, err: err, serve: true} }

// servesText reports whether the text a Source returned with err is
// served (SourceHeld).
func servesText(err error) bool {
	var f *sourceFailure
	return errors.As(err, &f) && f.serve
}

// rebuilt counts a rebuild whose text is served: a success, or, held
// being a SourceHeld error, a failure under FailHeld, returned.
func (s *Server) rebuilt(z *zoneState, held error, changed bool) error {
	if held == nil {
		z.stats.lastSuccess.Store(s.now().UnixNano())
		z.stats.lastFailed.Store(false)
		return nil
	}
	z.stats.failed(FailHeld)
	s.log.Warn("zone list held; serving the held list as its URL does", "zone", z.cfg.origin, "changed", changed, "reason", FailHeld, "err", held)
	return fmt.Errorf("dnsprimary: refresh %s: source: %w", z.cfg.origin, held)
}

// FailureReason returns the reason, one of FailureReasons, a failed rebuild
// of a zone whose Source returned err is counted under.
func FailureReason(err error) string {
	var f *sourceFailure
	switch {
	case errors.As(err, &f) && slices.Contains(FailureReasons[:], f.reason):
		return f.reason
	case errors.Is(err, context.DeadlineExceeded):
		return FailTimeout
	}
	return FailOther
}

// zoneCounters are the counts and times ZoneStats reports of one zone.
type zoneCounters struct {
	lastSuccess    atomic.Int64 // unix nanoseconds of the last successful rebuild, 0 before
	lastFailed     atomic.Bool  // the last rebuild failed
	failures       [len(FailureReasons)]atomic.Uint64
	transfers      [len(TransferTypes)]atomic.Uint64
	refused        atomic.Uint64
	transfersCut   atomic.Uint64
	notifies       atomic.Uint64
	notifyFailures atomic.Uint64
}

func (c *zoneCounters) failed(reason string) {
	c.lastFailed.Store(true)
	c.failures[slices.Index(FailureReasons[:], reason)].Add(1)
}

func (c *zoneCounters) transferred(kind string) {
	c.transfers[slices.Index(TransferTypes[:], kind)].Add(1)
}

// ZoneStats is what a zone's metrics report.
type ZoneStats struct {
	Zone   string // canonical origin
	Serial uint32 // the serial served; 0 while Loaded is false
	Loaded bool   // the zone is served (built, or kept in the StateStore)
	// LastSuccess is when a rebuild from the Source last succeeded
	// (changed or not) since the server started; zero before.
	LastSuccess time.Time
	// LastFailed tells that the last rebuild failed (one cancelled left
	// out).
	LastFailed bool
	// Failures counts failed rebuilds by reason (every one of
	// FailureReasons), Transfers the transfers served whole by kind (every
	// one of TransferTypes).
	Failures, Transfers map[string]uint64
	// TransfersRefused counts the AXFR and IXFR requests for the zone's
	// name refused (not those for a name below it): a client outside
	// AllowTransfer, unsigned or signed with another key, or with a bad
	// signature.
	TransfersRefused uint64
	// TransfersFailed counts the AXFR and IXFR cut short: the client left
	// or stopped reading before their last message (Close's are not
	// counted).
	TransfersFailed uint64
	// Notifies counts the NOTIFY sequences started (one per new serial and
	// secondary), NotifyFailures those that ended unacknowledged: no
	// answer over UDP nor TCP, or an error answer.
	Notifies, NotifyFailures uint64
}

// Stats returns the stats of every zone, in configuration order.
func (s *Server) Stats() []ZoneStats {
	out := make([]ZoneStats, 0, len(s.list))
	for _, z := range s.list {
		c := &z.stats
		st := ZoneStats{Zone: z.cfg.origin, Failures: map[string]uint64{}, Transfers: map[string]uint64{},
			TransfersRefused: c.refused.Load(), TransfersFailed: c.transfersCut.Load(), Notifies: c.notifies.Load(), NotifyFailures: c.notifyFailures.Load()}
		if snap := z.snap.Load(); snap != nil {
			st.Serial, st.Loaded = snap.soa.Serial, true
		}
		st.LastFailed = c.lastFailed.Load()
		if ns := c.lastSuccess.Load(); ns != 0 {
			st.LastSuccess = time.Unix(0, ns)
		}
		for i, r := range FailureReasons {
			st.Failures[r] = c.failures[i].Load()
		}
		for i, k := range TransferTypes {
			st.Transfers[k] = c.transfers[i].Load()
		}
		out = append(out, st)
	}
	return out
}

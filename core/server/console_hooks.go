package server

import (
	"context"
	"time"
)

// Hold is a list the guard keeps back (it serves the previous version)
// until an operator releases it.
type Hold struct {
	// ID names the hold for Release.
	ID string
	// Site and List say what is held: the site name and a list key.
	Site, List string
	// Reason says why, in words: "entries fell from 48210 to 3".
	Reason string
	Since  time.Time
}

// HoldLister is the guard's circuit breaker as the console sees it.
type HoldLister interface {
	// Holds returns the current holds.
	Holds() []Hold
	// Release lets the held list through; who names the operator, for
	// the guard's log.
	Release(id, who string) error
}

// LookupHit is one place an indicator value was found.
type LookupHit struct {
	Site, Feed, Type string
	// Value is the canonical form that matched.
	Value string
	// Note says more: an event, a warninglist that excluded it.
	Note string
}

// LookupFunc finds where a value (an address, a domain, a URL, a hash) is
// listed, as GET /v1/lookup does.
type LookupFunc func(ctx context.Context, value string) ([]LookupHit, error)

// ZoneStatus is one DNS zone served by zone transfer, as the console
// shows it.
type ZoneStatus struct {
	// Zone is the origin.
	Zone string
	// Site is the site the zone's token names ("" when the token does not
	// verify), Feed the feed its lists are built from.
	Site, Feed string
	// ExpiredSite is the site an expired token names, when Site is "".
	ExpiredSite string
	// Serial is the serial served; Loaded is false while the zone has no
	// content to serve.
	Serial uint32
	Loaded bool
	// Refresh is the rebuild interval.
	Refresh time.Duration
	// Started is when the zone started to be served, LastSuccess when a
	// rebuild last succeeded since (zero before).
	Started, LastSuccess time.Time
	// LastFailed tells that the last rebuild failed.
	LastFailed bool
	// Failures counts failed rebuilds by reason, Transfers the transfers
	// served by kind.
	Failures, Transfers map[string]uint64
	// TransfersRefused counts the transfer requests refused,
	// TransfersFailed the transfers cut short, Notifies the NOTIFY
	// sequences started and NotifyFailures those unacknowledged.
	TransfersRefused, TransfersFailed, Notifies, NotifyFailures uint64
}

// ZonesFunc returns the DNS zones served, in configuration order.
type ZonesFunc func() []ZoneStatus

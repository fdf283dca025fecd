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

package export

import "time"

// ListLabels name one list for metrics: site, feed (or "org:<uuid>" for
// the uuid route), data type and output.
type ListLabels struct {
	Site, Feed, DataType, Output string
}

// ListObserver is an Observer that also wants each built list's data
// type; when the Observer implements it, BuiltList is called instead of
// Built.
type ListObserver interface {
	BuiltList(l ListLabels, d time.Duration, entries, invalid int)
}

// RequestObserver is an Observer that also wants to know each request
// for a list, whether it is served from the cache, built or not.
type RequestObserver interface {
	RequestedList(l ListLabels)
}

// observeRequested reports a request for r's list of the given output to
// o.
func observeRequested(o Observer, r Request, output string) {
	if ro, ok := o.(RequestObserver); ok {
		ro.RequestedList(listLabels(r, output))
	}
}

// observeBuilt reports a built list to o.
func observeBuilt(o Observer, r Request, output string, d time.Duration, entries, invalid int) {
	if lo, ok := o.(ListObserver); ok {
		lo.BuiltList(listLabels(r, output), d, entries, invalid)
		return
	}
	o.Built(r.Site.Name, r.Feed, output, d, entries, invalid)
}

// listLabels names r's list of the given output for metrics.
func listLabels(r Request, output string) ListLabels {
	return ListLabels{Site: r.Site.Name, Feed: feedLabel(r), DataType: r.DataType.Name, Output: output}
}

// millis is a duration in milliseconds, the one unit of durations in logs.
func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

package feedsnap

// FullReason says why a refresh reads the feed in full instead.
type FullReason int

const (
	// NoFullRead: the refresh needed no full read.
	NoFullRead FullReason = iota
	// TagsRenamed: the names of the feed's tags filter stand for other
	// tags than when the snapshot was read (a tag renamed, made or
	// deleted, which moves no timestamp): a refresh cannot tell which
	// events that gives the feed or takes from it.
	TagsRenamed
	// IndexUnusable: the event index is not known or failed, or an
	// attribute came with no uuid: a refresh cannot tell what changed.
	IndexUnusable
	// MostEventsChanged: more than half the events held are to be read
	// whole, which costs more than reading the feed.
	MostEventsChanged
	// ClockSetBack: MISP's clock reads before the window's start (or,
	// MISP's clock not known, the reader's reads before the previous
	// read): writes MISP stamped before that start may be missed by the
	// refresh, as they are when the clock is found set back only after
	// the fact, until the next full read.
	ClockSetBack
)

// Required reports whether only a full read brings the snapshot up to
// date: a refresh in its place would hold wrong lists, not merely cost
// more or wait for the next full read to catch what it misses.
func (r FullReason) Required() bool { return r == TagsRenamed || r == IndexUnusable }

// String names r as a log says it.
func (r FullReason) String() string {
	switch r {
	case NoFullRead:
		return "none"
	case TagsRenamed:
		return "a tag of the feed renamed"
	case IndexUnusable:
		return "the event index unusable"
	case MostEventsChanged:
		return "most events held changed"
	case ClockSetBack:
		return "a clock set back"
	}
	return "unknown"
}

// FullRead is how a refresh went about a full read of the feed.
type FullRead struct {
	// Reason is why the refresh read the feed in full, or would have
	// (not allowed); NoFullRead when it needed none.
	Reason FullReason
	// Done: the full read was made and succeeded; the snapshot is its.
	Done bool
	// Err is the full read's error when it failed and the refresh went
	// on in its place, or, the context ended by then, ended with it.
	Err error
}

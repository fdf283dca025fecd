package feedsnap

import "github.com/cratos-project/cratos/core/misp"

// readRepublished adds to whole the events of request 3b (published since
// the window start) that the feed does not hold, or holds with no
// attribute of theirs in request 2, and returns how many of those are
// held. Under MISP.unpublishedprivate an event of another organisation is
// hidden while unpublished: request 3 dropped it, or request 2 missed what
// was written to it meanwhile, and publishing it again moves no
// timestamp request 1 filters on. An event request 2 saw was visible to
// it, every attribute written since the window start with it.
func readRepublished(old *Snapshot, republished []misp.EventState, dropped map[int64]bool, perEvent map[int64]int, whole map[int64]string) (held int) {
	for _, ev := range republished {
		_, isHeld := old.events[ev.ID]
		_, already := whole[ev.ID]
		if dropped[ev.ID] || already || ev.UUID == "" || isHeld && perEvent[ev.ID] > 0 {
			continue
		}
		whole[ev.ID] = ev.UUID
		if isHeld {
			held++
		}
	}
	return held
}

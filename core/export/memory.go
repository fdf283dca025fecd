package export

// MemoryUse is what one of the service's in-process stores holds, as its
// budget charges it, and that budget.
type MemoryUse struct {
	// Store is lists (rendered lists), list_snapshots (the canonical
	// indicators lists are rendered from), last_good_lists (kept for MISP
	// outages) or feed_snapshots.
	Store        string
	Held, Budget int64
}

// MemoryHeld returns what each in-process store holds now. A store may
// hold more than its budget: the most recent last good list and feed
// snapshot are kept even when alone larger.
func (s *Service) MemoryHeld() []MemoryUse {
	arts, snaps := s.arts.Bytes(), s.snaps.Bytes()
	return []MemoryUse{
		{Store: "lists", Held: arts.Local, Budget: s.opts.HotBytes},
		{Store: "list_snapshots", Held: snaps.Local, Budget: s.opts.HotBytes},
		{Store: "last_good_lists", Held: arts.LastGood, Budget: s.opts.StaleBytes},
		{Store: "feed_snapshots", Held: s.feeds.m.Bytes(), Budget: s.feeds.budget},
	}
}

package export

import (
	"context"
	"crypto/sha256"
	"time"
)

// A device holds a list by its URL, and the list's date and serial
// (contentState) are kept per artifact key. A setting that is part of that
// key (a guard rule, a renderer option, a mapping, never_block) puts the
// URL's next list under a new key, whose first date would be its feed
// read: the date of the list the device holds when that read is the one
// the old list was made from, so that If-Modified-Since with it got 304
// and kept the old bytes, and an rpz fetched by URL kept its serial. So
// the date and serial last given to each URL's list, and the key they
// were given under, are kept (listKey), in process and in the shared
// level, and a list under another key is dated after them.

// listDateKey names a list's last date in the shared level.
func listDateKey(list string) string { return "listdate|" + list }

// lastListDate returns the date and serial last given to the list of k's
// URL, with the digest of the artifact key they were given under.
func (s *Service) lastListDate(ctx context.Context, k keys) (sharedContent, bool) {
	prev, ok := s.listDates.Get(k.list)
	if s.shared == nil {
		return prev, ok
	}
	if b, found, _ := s.shared.Get(ctx, listDateKey(k.list)); found {
		if c, cok := decodeContent(b); cok && (!ok || c.serial > prev.serial) {
			return c, true
		}
	}
	return prev, ok
}

// succeedList returns since and serial, the date and serial of k's
// content, moved past those last given to the list of k's URL when they
// were given under another artifact key (the settings changed).
func (s *Service) succeedList(ctx context.Context, k keys, since time.Time, serial uint32) (time.Time, uint32) {
	prev, ok := s.lastListDate(ctx, k)
	if !ok || prev.digest == sha256.Sum256([]byte(k.artifact)) ||
		since.Truncate(time.Second).After(prev.since.Truncate(time.Second)) && serial > prev.serial {
		return since, serial
	}
	c := s.contentOf(k.artifact).succeed(prev)
	if s.shared != nil {
		_ = s.shared.Set(ctx, contentKey(k.artifact), encodeContent(c), contentStateTTL)
	}
	return c.since, c.serial
}

// noteListDate records since and serial as the last given to the list of
// k's URL, under k's artifact key.
func (s *Service) noteListDate(ctx context.Context, k keys, since time.Time, serial uint32) {
	c := sharedContent{digest: sha256.Sum256([]byte(k.artifact)), since: since, serial: serial}
	if prev, ok := s.listDates.Get(k.list); ok && prev == c {
		return
	}
	s.listDates.Set(k.list, c, 0)
	if s.shared != nil {
		_ = s.shared.Set(ctx, listDateKey(k.list), encodeContent(c), contentStateTTL)
	}
}

// succeed dates the content after prev, a date and serial given to
// another version of the list: its date a whole second later (dates are
// compared in whole seconds), its serial higher.
func (st *contentState) succeed(prev sharedContent) sharedContent {
	st.mu.Lock()
	defer st.mu.Unlock()
	if after := prev.since.Truncate(time.Second).Add(time.Second); st.since.Before(after) {
		st.since = after
	}
	if st.serial <= prev.serial {
		st.serial = prev.serial + 1
	}
	return sharedContent{digest: st.digest, since: st.since, serial: st.serial}
}

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
// were given under, are kept (listKey), in process, in the shared level
// and in the state directory (listdate_state.go), and a list under
// another key is dated after them. The key itself is kept too, so that a
// renderer that versions its objects reads the list last served at the
// URL (previousList), not the last one made under the new key's
// settings, which there is none of.

// listDateKey names a list's last date in the shared level.
func listDateKey(list string) string { return "listdate|" + list }

// listArtifactKey names, in the shared level, the artifact key a list's
// last date was given under.
func listArtifactKey(list string) string { return "listart|" + list }

// listDate is the date and serial last given to a list, and the artifact
// key they were given under, when known.
type listDate struct {
	sharedContent
	artifact string
}

// lastListDate returns the date and serial last given to the list of k's
// URL, with the digest of the artifact key they were given under (serial
// 0: none): from memory, else from the state directory, or from the
// shared level when it holds a later one. here is this process's own
// record (servedHere).
func (s *Service) lastListDate(ctx context.Context, k keys) (listed, here listDate) {
	here = s.servedHere(k.list)
	if s.shared == nil {
		return here, here
	}
	if b, found, _ := s.shared.Get(ctx, listDateKey(k.list)); found {
		if c, cok := decodeContent(b); cok && c.serial > here.serial {
			artifact := here.artifact
			if c.digest != here.digest {
				artifact = ""
			}
			return listDate{sharedContent: c, artifact: artifact}, here
		}
	}
	return here, here
}

// servedHere returns the date, serial and artifact key of the list this
// process last served at list's URL (built, or taken from the shared
// level), from memory, else from the state directory (serial 0: none).
func (s *Service) servedHere(list string) listDate {
	if d, ok := s.listDates.Get(list); ok {
		return d
	}
	return s.storedListDate(list)
}

// atURL returns the list devices hold at k's URL, and its artifact key,
// as previousList does: the one this process last served there (here),
// or, when it has served none, the one last served by any process
// (listed). A list another process made with nothing to compare with (it
// never served the URL) is not what this process's devices hold.
func (s *Service) atURL(ctx context.Context, k keys, listed, here listDate, own *Artifact) (*Artifact, string) {
	if here.serial != 0 {
		listed = here
	}
	return s.previousList(ctx, k, listed, own)
}

// previousList returns the list last served at k's URL, prev being its
// date (lastListDate), and its artifact key: the last good list of the
// key prev was given under when that is another than k's and it is still
// held, else own, k's own last good list (or nil).
func (s *Service) previousList(ctx context.Context, k keys, prev listDate, own *Artifact) (*Artifact, string) {
	if prev.serial == 0 || prev.digest == sha256.Sum256([]byte(k.artifact)) {
		return own, k.artifact
	}
	key := prev.artifact
	if key == "" && s.shared != nil {
		if b, found, _ := s.shared.Get(ctx, listArtifactKey(k.list)); found {
			key = string(b)
		}
	}
	if key == "" || sha256.Sum256([]byte(key)) != prev.digest {
		return own, k.artifact
	}
	if a, ok := s.lastGood(key); ok {
		return a, key
	}
	return own, k.artifact
}

// succeedList returns since and serial, the date and serial of k's
// content, moved past those last given to the list of k's URL when they
// were given under another artifact key (the settings changed).
// prev is lastListDate's.
func (s *Service) succeedList(ctx context.Context, k keys, prev listDate, since time.Time, serial uint32) (time.Time, uint32) {
	if prev.serial == 0 || prev.digest == sha256.Sum256([]byte(k.artifact)) ||
		since.Truncate(time.Second).After(prev.since.Truncate(time.Second)) && serial > prev.serial {
		return since, serial
	}
	c := s.contentOf(k.artifact).succeed(prev.sharedContent)
	if s.shared != nil {
		_ = s.shared.Set(ctx, contentKey(k.artifact), encodeContent(c), contentStateTTL)
	}
	return c.since, c.serial
}

// noteListDate records since and serial as the last given to the list of
// k's URL, under k's artifact key.
func (s *Service) noteListDate(ctx context.Context, k keys, since time.Time, serial uint32) {
	c, prev, ok, changed := s.noteListDateHere(k, since, serial)
	if changed && s.shared != nil {
		if !ok || prev.artifact != c.artifact {
			_ = s.shared.Set(ctx, listArtifactKey(k.list), []byte(k.artifact), contentStateTTL)
		}
		_ = s.shared.Set(ctx, listDateKey(k.list), encodeContent(c.sharedContent), contentStateTTL)
	}
}

// noteListDateHere is noteListDate in process and in the state directory
// only. It returns the record, the one before it (ok: there was one), and
// whether it changed.
func (s *Service) noteListDateHere(k keys, since time.Time, serial uint32) (c, prev listDate, ok, changed bool) {
	c = listDate{sharedContent{digest: sha256.Sum256([]byte(k.artifact)), since: since, serial: serial}, k.artifact}
	prev, ok = s.listDates.Get(k.list)
	if ok && prev == c {
		return c, prev, ok, false
	}
	s.listDates.Set(k.list, c, 0)
	s.persistListDate(k.list, c)
	return c, prev, ok, true
}

// noteTaken records a, the list of k taken from the shared level (built by
// another process), as the last served at k's URL, in process and in the
// state directory: what the breaker compares the URL's next list with,
// and what is served STALE, must not hang on memcached keeping the
// builder's record. Its serial is the content state's in the shared level,
// which is a's or, written since, a later one: dating the URL's next list
// after a later serial is still after a's.
func (s *Service) noteTaken(ctx context.Context, k keys, a *Artifact) {
	if cur, ok := s.listDates.Get(k.list); ok && cur.artifact == k.artifact && cur.since.Equal(a.Generated) {
		return
	}
	serial := uint32(a.Generated.Unix())
	if b, found, _ := s.shared.Get(ctx, contentKey(k.artifact)); found {
		if c, ok := decodeContent(b); ok && c.serial > serial {
			serial = c.serial
		}
	}
	s.noteListDateHere(k, a.Generated, serial)
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

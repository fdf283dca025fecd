package export

import (
	"context"
	"encoding/binary"
	"iter"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// A list is dated by its last content change and carries a zone serial
// that grows only when its content changes (contentSince). With replicas
// sharing memcached, whichever replica holds the lease renders the next
// version of a list, so that state is shared too: otherwise a replica
// rendering a list for the first time would date unchanged content anew,
// and consumers pulling from several replicas would get new bytes, ETags
// and serials for the same indicators.

// contentMagic starts a content state stored in the shared level.
const contentMagic = "CCS1"

// contentStateTTL is how long a content state stays in the shared level
// after it was last written.
const contentStateTTL = 30 * 24 * time.Hour

// contentKey names a list's content state in the shared level; like the
// in-process one it outlives cache clears.
func contentKey(artifactKey string) string { return "content|" + artifactKey }

// sharedContent is what the shared level holds of one list's content.
type sharedContent struct {
	digest [32]byte
	since  time.Time
	serial uint32
}

func encodeContent(c sharedContent) []byte {
	b := make([]byte, 0, len(contentMagic)+32+8+4)
	b = append(b, contentMagic...)
	b = append(b, c.digest[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(c.since.UnixNano()))
	return binary.BigEndian.AppendUint32(b, c.serial)
}

func decodeContent(b []byte) (sharedContent, bool) {
	if len(b) != len(contentMagic)+32+8+4 || string(b[:len(contentMagic)]) != contentMagic {
		return sharedContent{}, false
	}
	b = b[len(contentMagic):]
	var c sharedContent
	copy(c.digest[:], b[:32])
	c.since = time.Unix(0, int64(binary.BigEndian.Uint64(b[32:40]))).UTC()
	c.serial = binary.BigEndian.Uint32(b[40:])
	return c, c.serial != 0
}

// sharedContentSince is contentSince with the state shared among the
// processes using the shared level: a newer state found there (a higher
// serial) replaces the process's own before the content is compared, and
// the result is written back when it changed.
func (s *Service) sharedContentSince(ctx context.Context, key string, in iter.Seq[indicator.Indicator], fetched time.Time) (time.Time, uint32) {
	if s.shared == nil {
		return s.contentSince(key, in, fetched)
	}
	st := s.contentOf(key)
	b, found, _ := s.shared.Get(ctx, contentKey(key))
	shared, ok := decodeContent(b)
	if found && ok {
		st.adopt(shared)
	}
	c := st.advance(contentDigest(in), fetched)
	if !ok || c.serial != shared.serial {
		_ = s.shared.Set(ctx, contentKey(key), encodeContent(c), contentStateTTL)
	}
	return c.since, c.serial
}

// redateContent is contentState.redate with the state shared among the
// processes using the shared level.
func (s *Service) redateContent(ctx context.Context, key string, fetched time.Time) (time.Time, uint32) {
	c := s.contentOf(key).redate(fetched)
	if s.shared != nil {
		_ = s.shared.Set(ctx, contentKey(key), encodeContent(c), contentStateTTL)
	}
	return c.since, c.serial
}

package mispsim

import (
	"fmt"
	"slices"
)

// AttributeEdit is a change to a stored attribute, as MISP's attribute
// edit, soft delete and tag (un)assignment make it.
type AttributeEdit struct {
	// Deleted soft-deletes (true) or restores (false) the attribute.
	Deleted bool
	// Tags replaces the attribute's own tags (event tags are unchanged).
	Tags []string
}

// EditAttribute applies e to the attribute with MISP id id and stamps it
// with the current time, as MISP does. It is the emulator's hook for
// tests that change MISP's data while Cratos runs.
func (s *Server) EditAttribute(id int64, e AttributeEdit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	i := slices.IndexFunc(st.attrs, func(r attrRec) bool { return r.id == id })
	if i < 0 {
		return fmt.Errorf("edit attribute %d: no such attribute: %w", id, ErrInvalid)
	}
	a := st.attrData(i)
	a.Deleted, a.Timestamp, a.Tags = e.Deleted, max(s.opts.Now().Unix(), st.attrs[i].ts+1), e.Tags
	var tags []int32
	for _, t := range a.Tags {
		tags = appendUnique(tags, st.tag(t, ""))
	}
	// Replace a copy: pages being written may still read the old slice.
	st.attrs = slices.Clone(st.attrs)
	st.rewriteAttr(i, &a, tags)
	st.gen++
	return nil
}

package mispsim

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
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
	old := st.attrs[i]
	var stored struct {
		ObjectID       string  `json:"object_id"`
		ObjectRelation *string `json:"object_relation"`
		Category       string  `json:"category"`
		Type           string  `json:"type"`
		ToIDS          bool    `json:"to_ids"`
		UUID           string  `json:"uuid"`
		Distribution   string  `json:"distribution"`
		Comment        string  `json:"comment"`
		DisableCorr    bool    `json:"disable_correlation"`
		FirstSeen      *string `json:"first_seen"`
		LastSeen       *string `json:"last_seen"`
		Value          string  `json:"value"`
	}
	if err := json.Unmarshal(st.arena.chunks[old.chunk][old.off:old.off+old.n], &stored); err != nil {
		return fmt.Errorf("edit attribute %d: %w", id, err)
	}
	objectID, _ := strconv.ParseInt(stored.ObjectID, 10, 64)
	a := Attribute{ID: id, UUID: stored.UUID, Type: stored.Type, Category: stored.Category, Value: stored.Value,
		ToIDS: stored.ToIDS, Deleted: e.Deleted, Timestamp: max(s.opts.Now().Unix(), old.ts+1), Comment: stored.Comment,
		Tags: e.Tags, ObjectID: objectID, DisableCorrelation: stored.DisableCorr, distribution: stored.Distribution}
	if stored.ObjectRelation != nil {
		a.ObjectRelation = *stored.ObjectRelation
	}
	if stored.FirstSeen != nil {
		a.FirstSeen = *stored.FirstSeen
	}
	if stored.LastSeen != nil {
		a.LastSeen = *stored.LastSeen
	}
	var tags []int32
	for _, t := range a.Tags {
		tags = appendUnique(tags, st.tag(t, ""))
	}
	b := st.encodeAttr(nil, &a, st.events[old.event], tags)
	r := old
	r.ts, r.tagSet, r.n = a.Timestamp, st.tagSet(tags), uint32(len(b))
	r.flags &^= flagDeleted
	if a.Deleted {
		r.flags |= flagDeleted
	}
	r.chunk, r.off = st.arena.add(b)
	// Replace a copy: pages being written may still read the old slice.
	st.attrs = slices.Clone(st.attrs)
	st.attrs[i] = r
	st.gen++
	return nil
}

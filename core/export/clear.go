package export

import "context"

// clearGroup makes every cached entry of group unreachable (a new
// generation of its namespace) and frees this process's copies of them at
// once: lists and snapshots of the old generation can never be asked for
// again, so keeping them until the budget pushes them out would only hold
// memory. Last good lists are kept for MISP outages.
func (s *Service) clearGroup(ctx context.Context, group string) error {
	old := s.opts.Namespace.Key(ctx, group, "")
	s.markCleared(group) // restore.go: not served from disk as fresh
	err := s.opts.Namespace.Bump(ctx, group)
	s.arts.DropLocal(old)
	s.snaps.DropLocal(old)
	return err
}

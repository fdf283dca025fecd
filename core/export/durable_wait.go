package export

import "time"

// WaitDurable returns once every last good list queued for writing is on
// disk (at shutdown, and in tests).
func (s *Service) WaitDurable() {
	d := s.durable
	if d == nil {
		return
	}
	d.mu.Lock()
	for d.running {
		d.idle.Wait()
	}
	d.mu.Unlock()
}

// WaitDurableFor is WaitDurable for at most limit (at shutdown: a slow
// disk must not hold up the stop). It returns how many lists were still
// to be written then; their files keep the versions written before.
func (s *Service) WaitDurableFor(limit time.Duration) (left int) {
	d := s.durable
	if d == nil {
		return 0
	}
	done := make(chan struct{})
	go func() {
		s.WaitDurable()
		close(done)
	}()
	select {
	case <-done:
		return 0
	case <-time.After(limit):
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	left = len(d.pending)
	if d.running {
		left++ // the one being written
	}
	return left
}

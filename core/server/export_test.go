package server

// ForgetListTargets empties the list shortcut's URLs, so that the next
// request of each goes through fiber.
func (s *Server) ForgetListTargets() {
	s.targets.mu.Lock()
	s.targets.m = nil
	s.targets.mu.Unlock()
}

// ShortcutAnswers counts the requests the list shortcut answered.
func (s *Server) ShortcutAnswers() uint64 { return s.answered.Load() }

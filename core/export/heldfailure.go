package export

import (
	"context"
	"errors"
	"time"
)

// heldFailure is a render of a held list's content under the current
// settings that failed (heldContent), at the time it failed: nothing was
// served, and devices kept the list they had.
type heldFailure struct {
	at  time.Time
	err error
}

// heldRetry is how long after a failed render of a held list's content
// under the current settings the list is built again, at most: a build
// of a held list is a MISP read and two renders, and a render that keeps
// failing (a plugin's error, render_max_bytes) would cost them at every
// request. A list whose lifetime is shorter is built again after it.
const heldRetry = 30 * time.Second

// heldFailed returns the error of the failed render of the held content
// of artifactKey's list when a request of lifetime ttl at now comes
// within heldRetry (or ttl) of it: such a request gets the same error at
// once, without a build. It returns nil when the list is not held, its
// hold was released, or its last render of that content did not fail.
func (s *Service) heldFailed(artifactKey string, now time.Time, ttl time.Duration) error {
	if s.guard.nholds.Load() == 0 {
		return nil
	}
	st, ok := s.guard.holds.Get(artifactKey)
	if !ok || st.released.Load() {
		return nil
	}
	f := st.failed.Load()
	if f == nil {
		return nil
	}
	if age := now.Sub(f.at); age >= retryAfter(ttl) || fromTheFuture(age) {
		return nil
	}
	return f.err
}

// retryAfter is how long after a failed render of a held list's content
// a request of lifetime ttl builds the list again.
func retryAfter(ttl time.Duration) time.Duration {
	if ttl > 0 {
		return min(ttl, heldRetry)
	}
	return heldRetry
}

// buildGivenUp reports whether the build running in ctx was given up by
// every request waiting for it (givenUp): a render it cut short did not
// fail, and the next request builds the list again.
func buildGivenUp(ctx context.Context) bool {
	return errors.Is(ctx.Err(), context.Canceled)
}

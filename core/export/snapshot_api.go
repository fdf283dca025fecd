package export

import (
	"context"
	"fmt"

	"github.com/cratos-project/cratos/core/misp"
)

// Snapshot returns the cached indicator snapshot of r's query, fetching
// it from MISP when missing or expired (single-flight, like Get). Other
// consumers of a feed (TAXII collections) read it instead of querying
// MISP themselves. r.Output is not used.
func (s *Service) Snapshot(ctx context.Context, r Request) (*Snapshot, error) {
	if _, err := Since(r.Age, s.opts.Now()); err != nil {
		return nil, err
	}
	if r.Kind != KindFeed && r.Kind != KindOrg {
		return nil, fmt.Errorf("snapshot: kind %q: %w", r.Kind, ErrUnknownFeed)
	}
	return s.snapshot(ctx, r, s.keysFor(r))
}

// Identity returns the keyed hash that names r's (site, MISP URL, MISP
// key) in cache keys: equal for requests that may see the same data,
// never the key itself.
func (s *Service) Identity(r Request) string {
	return s.keyID(r.Site.Name + "\x00" + r.MISPURL + "\x00" + r.MISPKey)
}

// UserIdentity asks r's MISP whose key r's is (/users/view/me) and
// returns the keyed hash that names (site, MISP URL, MISP user): equal
// for every key of the user, never the user id itself.
func (s *Service) UserIdentity(ctx context.Context, r Request) (string, error) {
	u, err := misp.New(s.clientOptions(r)).Me(ctx)
	if err != nil {
		return "", err
	}
	return s.keyID(r.Site.Name + "\x00" + r.MISPURL + "\x00user\x00" + u.ID), nil
}

package taxii

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"sync"

	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// CollectionID returns the id of a site's collection for feed: a UUID
// derived from both, so it never changes and differs between sites.
func CollectionID(site, feed string) string {
	return stix21.NameUUID("taxii-collection|" + site + "|" + feed)
}

// Manager holds the collections, loading each from the state directory
// on first use and saving each change before it is served (Refresh).
type Manager struct {
	dir    *state.Dir                        // nil: kept in memory only
	write  func(name string, b []byte) error // saves a state file into dir
	logger *slog.Logger
	mu     sync.Mutex
	colls  map[string]*loaded
	saveMu sync.Mutex
	pages  pageCache
	// troubles are the collections /v1/status reports.
	troubleMu sync.Mutex
	troubles  map[troubleKey]Trouble
	owners    owners
	merged    map[string]struct{} // key and legacy key of each merge done (merge.go)
}

// NewManager returns a Manager persisting into dir (nil keeps
// collections in memory only).
func NewManager(dir *state.Dir, logger *slog.Logger) *Manager {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m := &Manager{dir: dir, logger: logger, colls: map[string]*loaded{}, troubles: map[troubleKey]Trouble{}}
	if dir != nil {
		m.write = func(name string, b []byte) error { return dir.WriteKeep(name, name+prevSuffix, b) }
	}
	return m
}

// loaded is a collection loaded once; other collections stay available
// while a large one loads.
type loaded struct {
	mu sync.Mutex
	c  *Collection
}

// fileName names the state file of key (site, MISP-key identity, feed):
// a hash, so no site name or key reaches a file name.
func fileName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "taxii-" + hex.EncodeToString(sum[:16]) + ".json"
}

// Collection returns the collection named key, whose id is id, loaded from the state
// directory the first time (a missing state starts empty, a corrupt one
// falls back to the previous generation: see load). A history that
// cannot be read is an error, and the next call tries again: starting
// empty would add every indicator again, never revoke what clients hold,
// and overwrite the history.
func (m *Manager) Collection(key, id string) (*Collection, error) {
	return m.CollectionAdopting(key, "", id)
}

// CollectionAdopting is Collection, but a collection key has no history
// of yet takes the one saved under legacy (the key of a history kept
// per MISP key), saved under key before it is served; a key with a
// history merges legacy's into it once (merge.go). Legacy's own file
// stays as it was.
func (m *Manager) CollectionAdopting(key, legacy, id string) (*Collection, error) {
	m.mu.Lock()
	l, ok := m.colls[key]
	if !ok {
		l = &loaded{}
		m.colls[key] = l
	}
	m.mu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.c == nil {
		c, err := m.load(key, id, legacy)
		if err != nil {
			return nil, err
		}
		l.c = c
	}
	if legacy != "" {
		if err := m.mergeLegacy(key, legacy, id, l.c); err != nil {
			m.logger.Error("taxii collection history kept per MISP key not merged: the collection answers 503", "file", fileName(legacy), "error", err)
			return nil, err
		}
	}
	return l.c, nil
}

package taxii

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
)

// A collection's history is kept per MISP user, not per MISP key: a
// client whose key is rotated (another key of the same user) keeps
// reading the history it read, so what left the feed meanwhile is
// revoked at it. Owner tells which user a key belongs to; the answer is
// remembered in the state directory, one file per key, so a restart
// with MISP down still finds the history.

// owners remembers the user of each MISP key identity; a key belongs to
// one user for good.
type owners struct {
	mu   sync.Mutex
	keys map[string]*owner
}

// owner is the user of one key, asked once however many requests wait.
type owner struct {
	mu   sync.Mutex
	user string
}

// ownerFile names the file remembering the user of keyID.
func ownerFile(keyID string) string {
	sum := sha256.Sum256([]byte("owner|" + keyID))
	return "taxii-owner-" + hex.EncodeToString(sum[:16])
}

// Owner returns the identity of the MISP user keyID (a MISP-key
// identity) belongs to: remembered in memory or in the state directory,
// or else asked of MISP (ask) and remembered. An error of ask is
// returned, and the next call asks again; a failed save is logged and
// the user kept in memory.
func (m *Manager) Owner(keyID string, ask func() (string, error)) (string, error) {
	m.owners.mu.Lock()
	if m.owners.keys == nil {
		m.owners.keys = map[string]*owner{}
	}
	o, ok := m.owners.keys[keyID]
	if !ok {
		o = &owner{}
		m.owners.keys[keyID] = o
	}
	m.owners.mu.Unlock()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.user != "" {
		return o.user, nil
	}
	name := ownerFile(keyID)
	if m.dir != nil {
		b, found, err := m.dir.Read(name)
		if err != nil {
			return "", fmt.Errorf("taxii: user of a MISP key: %w", err)
		}
		if found && len(b) > 0 {
			o.user = string(b)
			return o.user, nil
		}
	}
	user, err := ask()
	if err != nil {
		return "", err
	}
	if m.dir != nil {
		if err := m.dir.Write(name, []byte(user)); err != nil {
			m.logger.Error("taxii: the MISP user of a key not saved; MISP is asked again after a restart", "file", name, "error", err)
		}
	}
	o.user = user
	return user, nil
}

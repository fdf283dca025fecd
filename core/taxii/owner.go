package taxii

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
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
	ask  *ownerAsk // the question being asked, nil when none
}

// ownerAsk is one question to MISP, whose answer every request that
// waits for it shares.
type ownerAsk struct {
	done chan struct{}
	user string
	err  error
}

// ownerFile names the file remembering the user of keyID.
func ownerFile(keyID string) string {
	sum := sha256.Sum256([]byte("owner|" + keyID))
	return "taxii-owner-" + hex.EncodeToString(sum[:16])
}

// Owner returns the identity of the MISP user keyID (a MISP-key
// identity) belongs to: remembered in memory or in the state directory,
// or else asked of MISP (ask) and remembered. Calls made while MISP is
// being asked wait for that question and share its answer, an error
// included, rather than ask in turn, one MISP timeout after another; the
// next call after an error asks again. A failed save is logged and the
// user kept in memory.
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
	if o.user != "" {
		defer o.mu.Unlock()
		return o.user, nil
	}
	if a := o.ask; a != nil {
		o.mu.Unlock()
		<-a.done
		return a.user, a.err
	}
	name := ownerFile(keyID)
	if m.dir != nil {
		b, found, err := m.dir.Read(name)
		if err != nil {
			o.mu.Unlock()
			return "", fmt.Errorf("taxii: user of a MISP key: %w", err)
		}
		if found && len(b) > 0 {
			defer o.mu.Unlock()
			o.user = string(b)
			return o.user, nil
		}
	}
	a := &ownerAsk{done: make(chan struct{}), err: errOwnerUnknown}
	o.ask = a
	o.mu.Unlock()
	defer func() {
		o.mu.Lock()
		if a.err == nil {
			o.user = a.user
		}
		o.ask = nil
		o.mu.Unlock()
		close(a.done)
	}()
	user, err := ask()
	if err != nil {
		a.err = err
		return "", err
	}
	if m.dir != nil {
		if err := m.dir.Write(name, []byte(user)); err != nil {
			m.logger.Error("taxii: the MISP user of a key not saved; MISP is asked again after a restart", "file", name, "error", err)
		}
	}
	a.user, a.err = user, nil
	return user, nil
}

// KnownOwner returns the identity of the MISP user keyID belongs to when
// it is known, remembered in memory or in the state directory, without
// asking MISP; ok is false otherwise.
func (m *Manager) KnownOwner(keyID string) (user string, ok bool) {
	m.owners.mu.Lock()
	o := m.owners.keys[keyID]
	m.owners.mu.Unlock()
	if o != nil {
		o.mu.Lock()
		user = o.user
		o.mu.Unlock()
		if user != "" {
			return user, true
		}
	}
	if m.dir == nil {
		return "", false
	}
	b, found, err := m.dir.Read(ownerFile(keyID))
	if err != nil || !found || len(b) == 0 {
		return "", false
	}
	return string(b), true
}

// errOwnerUnknown is what the requests waiting for a question get when
// it ended without an answer (ask panicked).
var errOwnerUnknown = errors.New("taxii: the MISP user of a key is not known")

package taxii

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/state"
)

// prevSuffix names the previous generation of a state file: each save
// keeps the file it replaces under this name.
const prevSuffix = ".prev"

// Trouble states.
const (
	// TroubleUnavailable: the history could not be read; the collection
	// answers 503 until it can.
	TroubleUnavailable = "unavailable"
	// TroubleRecovered: the history was corrupt and the previous
	// generation was loaded; the last refresh saved before it is lost.
	TroubleRecovered = "recovered"
	// TroubleNotSaved: the last change could not be saved, and is not
	// served.
	TroubleNotSaved = "not saved"
)

// Trouble is a collection whose history is not as it was last saved.
type Trouble struct {
	Key   string // the collection's key
	State string // TroubleUnavailable, TroubleRecovered or TroubleNotSaved
	File  string // the state file's path
	Error string
	Since time.Time
}

type troubleKey struct{ key, state string }

// Troubles lists the collections in trouble, by key and state.
func (m *Manager) Troubles() []Trouble {
	m.troubleMu.Lock()
	defer m.troubleMu.Unlock()
	out := make([]Trouble, 0, len(m.troubles))
	for _, t := range m.troubles {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b Trouble) int {
		return strings.Compare(a.Key+"\x00"+a.State, b.Key+"\x00"+b.State)
	})
	return out
}

// trouble records a trouble of key, or ends it when err is nil.
func (m *Manager) trouble(key, st, file string, err error) {
	m.troubleMu.Lock()
	defer m.troubleMu.Unlock()
	k := troubleKey{key, st}
	if err == nil {
		delete(m.troubles, k)
		return
	}
	t, ok := m.troubles[k]
	if !ok {
		t.Since = time.Now()
	}
	if m.dir != nil {
		file = filepath.Join(m.dir.Path(), file)
	}
	t.Key, t.State, t.File, t.Error = key, st, file, err.Error()
	m.troubles[k] = t
}

// load reads the history of key. A missing file starts empty, unless
// the previous generation is there (a save stopped between its two
// renames: nothing it wrote was served). A corrupt file is set aside and
// the previous generation loaded in its place; with no previous
// generation to fall back on, the collection is unavailable until the
// operator removes the file, since an empty history would never revoke
// what clients hold. A key with neither file adopts the history of
// legacy, when given and saved.
func (m *Manager) load(key, id, legacy string) (*Collection, error) {
	if m.dir == nil {
		return NewCollection(id), nil
	}
	name := fileName(key)
	c, err := m.read(name, id)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		name += prevSuffix
		c, err = m.read(name, id)
		switch {
		case errors.Is(err, fs.ErrNotExist) && legacy != "":
			name = fileName(key)
			c, err = m.adopt(key, legacy, id)
		case errors.Is(err, fs.ErrNotExist):
			c, err = NewCollection(id), nil
		case err == nil:
			m.logger.Warn("taxii collection state: the last save was interrupted; its previous generation is loaded", "file", name)
		}
	case errors.Is(err, state.ErrCorrupt):
		corrupt := err
		var aside string
		if c, aside, err = m.recoverPrevious(name, id, corrupt); err == nil {
			m.logger.Error("taxii collection state corrupt: its previous generation is served; what the last refresh saved is lost",
				"file", name, "set_aside", aside, "error", corrupt)
			m.trouble(key, TroubleRecovered, name, fmt.Errorf("%w; its previous generation is served, the corrupt file is kept as %s", corrupt, aside))
		}
	}
	if err != nil {
		m.logger.Error("taxii collection state not read: the collection answers 503", "file", name, "error", err)
		m.trouble(key, TroubleUnavailable, name, err)
		return nil, err
	}
	m.trouble(key, TroubleUnavailable, "", nil)
	m.readBasis(key, c)
	if c.migrating() {
		m.logger.Warn("taxii collection state has ids shared by every collection: the next refresh revokes them and adds the indicators again under ids of the collection",
			"file", name)
	}
	return c, nil
}

// adopt returns the history saved under legacy, saved under key first;
// with none saved, an empty history.
func (m *Manager) adopt(key, legacy, id string) (*Collection, error) {
	c, err := m.load(legacy, id, "")
	if err != nil || c.Len() == 0 {
		return c, err
	}
	if err := m.save(key, c); err != nil {
		return nil, err
	}
	m.logger.Info("taxii collection history adopted from one kept per MISP key", "file", fileName(key), "from", fileName(legacy))
	if err := m.rememberMerged(key, legacy); err != nil {
		// Merged again later: c continues it, which changes nothing.
		m.logger.Warn("taxii: the adoption of a history kept per MISP key not remembered", "file", mergedFile(key, legacy), "error", err)
	}
	return c, nil
}

// read returns the collection saved under name; a state that is not
// consistent is an error wrapping state.ErrCorrupt.
func (m *Manager) read(name, id string) (*Collection, error) {
	b, err := m.dir.ReadFile(name)
	if err != nil {
		return nil, err
	}
	c, err := UnmarshalState(b, id)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", state.ErrCorrupt, name, err)
	}
	return c, nil
}

// recoverPrevious replaces the corrupt state file name with its previous
// generation and returns that, and where the corrupt file is kept for
// inspection. Versions computed from then on are dated after the
// corrupt file was written, so clients polling with added_after see
// them.
func (m *Manager) recoverPrevious(name, id string, corrupt error) (*Collection, string, error) {
	c, err := m.read(name+prevSuffix, id)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("%w; no previous generation (remove the file to start the collection afresh)", corrupt)
	}
	if err != nil {
		return nil, "", fmt.Errorf("%w; previous generation: %w", corrupt, err)
	}
	written, err := m.dir.ModTime(name)
	if err != nil {
		return nil, "", err
	}
	c.last = max(c.last, written.UnixMilli())
	aside := name + ".corrupt-" + time.Now().UTC().Format("20060102T150405Z")
	if err := m.dir.Rename(name, aside); err != nil {
		return nil, "", err
	}
	b, err := c.MarshalState()
	if err == nil {
		err = m.write(name, b)
	}
	if err != nil {
		_ = m.dir.Rename(aside, name)
		return nil, "", fmt.Errorf("%w; previous generation not saved: %w", corrupt, err)
	}
	return c, aside, nil
}

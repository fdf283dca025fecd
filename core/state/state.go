package state

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// magic starts every state file: the format name, the payload's SHA-256
// in hex and a newline come before the payload.
const magic = "cratos-state/1 "

// ErrBadName is returned for a name that is not a plain file name.
var ErrBadName = errors.New("state: name must be a plain file name of letters, digits, '-', '_' and '.'")

// Dir is a state directory. It is safe for concurrent use; writes to one
// name are serialised.
type Dir struct {
	path   string
	logger *slog.Logger
	mu     sync.Mutex
	locks  map[string]*sync.Mutex
}

// Open creates path (and its parents, mode 0750) when missing and returns
// the directory, locked for this process until it ends: another process
// opening it gets ErrInUse. logger receives corrupt-file warnings; nil
// discards them.
func Open(path string, logger *slog.Logger) (*Dir, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(path, 0o750); err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	if err := lockDir(path); err != nil {
		return nil, err
	}
	d := &Dir{path: path, logger: logger, locks: map[string]*sync.Mutex{}}
	d.removeLeftovers(time.Now().Add(-leftoverAge))
	return d, nil
}

// leftoverAge is how old a temporary file must be for Open to take it for
// the leftover of an interrupted write rather than a write under way in
// another process reading the same directory.
const leftoverAge = time.Hour

// removeLeftovers deletes the temporary files of writes that never
// finished (the process was killed, the machine lost power) last changed
// before cutoff: a list's file can be large, and nothing else would ever
// remove them.
func (d *Dir) removeLeftovers(cutoff time.Time) {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(name, ".") || !strings.Contains(name, ".tmp-") {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(filepath.Join(d.path, name)); err == nil {
			d.logger.Info("state: removed the leftover of an interrupted write", "file", filepath.Join(d.path, name), "bytes", info.Size())
		}
	}
}

// Path returns the directory's path.
func (d *Dir) Path() string { return d.path }

func validName(name string) bool {
	if name == "" || name == "." || name == ".." || len(name) > 200 || strings.HasPrefix(name, ".") {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func (d *Dir) lock(name string) *sync.Mutex {
	d.mu.Lock()
	defer d.mu.Unlock()
	m, ok := d.locks[name]
	if !ok {
		m = &sync.Mutex{}
		d.locks[name] = m
	}
	return m
}

// Write replaces the content of name with payload atomically and durably.
func (d *Dir) Write(name string, payload []byte) error {
	return d.WriteParts(name, payload)
}

// WriteKeep is Write that keeps the file it replaces as prev, the
// generation a reader falls back to when name is missing (a crash
// between the two renames) or corrupt.
func (d *Dir) WriteKeep(name, prev string, payload []byte) error {
	if !validName(prev) {
		return ErrBadName
	}
	return d.write(name, prev, [][]byte{payload})
}

// WriteParts is Write of the concatenation of parts without making it:
// each part is written from where it lies, so a large payload is never
// copied. The file is byte for byte the one Write makes of the
// concatenation. The parts must not change until WriteParts returns.
func (d *Dir) WriteParts(name string, parts ...[]byte) error {
	return d.write(name, "", parts)
}

// write is WriteParts, first renaming the current file to keep when keep
// is not empty.
func (d *Dir) write(name, keep string, parts [][]byte) error {
	if !validName(name) {
		return ErrBadName
	}
	m := d.lock(name)
	m.Lock()
	defer m.Unlock()
	f, err := os.CreateTemp(d.path, "."+name+".tmp-*")
	if err != nil {
		return fmt.Errorf("state: write %s: %w", name, err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		_ = f.Close()
		_ = os.Remove(tmp)
		return fmt.Errorf("state: write %s: %w", name, err)
	}
	w := bufio.NewWriter(f)
	_, _ = w.Write(header(parts))
	for _, p := range parts {
		// A part larger than the buffer goes to the file directly.
		_, _ = w.Write(p)
	}
	if err := w.Flush(); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("state: write %s: %w", name, err)
	}
	if keep != "" {
		err := os.Rename(filepath.Join(d.path, name), filepath.Join(d.path, keep))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			_ = os.Remove(tmp)
			return fmt.Errorf("state: write %s: %w", name, err)
		}
	}
	if err := os.Rename(tmp, filepath.Join(d.path, name)); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("state: write %s: %w", name, err)
	}
	if dir, err := os.Open(d.path); err == nil {
		_ = dir.Sync()
		_ = dir.Close()
	}
	return nil
}

// header is the first line of a state file whose payload is the
// concatenation of parts: magic, the payload's SHA-256 in hex, newline.
func header(parts [][]byte) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	line := make([]byte, len(magic)+2*sha256.Size+1)
	n := copy(line, magic)
	hex.Encode(line[n:], h.Sum(nil))
	line[len(line)-1] = '\n'
	return line
}

// ErrCorrupt is ReadFile's error for a file that is not one Write made
// (truncated, garbled, of another format).
var ErrCorrupt = errors.New("state: file is corrupt")

// Read returns the payload last written under name. A missing file is
// (nil, false, nil); a corrupt one is logged and also reported absent.
// Other read errors are returned.
func (d *Dir) Read(name string) ([]byte, bool, error) {
	payload, err := d.ReadFile(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, nil
	case errors.Is(err, ErrCorrupt):
		d.logger.Warn("state file is corrupt; ignoring it", "file", filepath.Join(d.path, name))
		return nil, false, nil
	case err != nil:
		return nil, false, err
	}
	return payload, true, nil
}

// ReadFile returns the payload last written under name, or an error
// wrapping fs.ErrNotExist for a missing file and ErrCorrupt for a
// corrupt one.
func (d *Dir) ReadFile(name string) ([]byte, error) {
	if !validName(name) {
		return nil, ErrBadName
	}
	b, err := os.ReadFile(filepath.Join(d.path, name))
	if err != nil {
		return nil, fmt.Errorf("state: read %s: %w", name, err)
	}
	payload, ok := verify(b)
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrCorrupt, filepath.Join(d.path, name))
	}
	return payload, nil
}

// Rename renames the file from to to, replacing to.
func (d *Dir) Rename(from, to string) error {
	if !validName(from) || !validName(to) {
		return ErrBadName
	}
	if err := os.Rename(filepath.Join(d.path, from), filepath.Join(d.path, to)); err != nil {
		return fmt.Errorf("state: rename %s: %w", from, err)
	}
	return nil
}

// ModTime returns when name was last written.
func (d *Dir) ModTime(name string) (time.Time, error) {
	if !validName(name) {
		return time.Time{}, ErrBadName
	}
	st, err := os.Stat(filepath.Join(d.path, name))
	if err != nil {
		return time.Time{}, fmt.Errorf("state: %w", err)
	}
	return st.ModTime(), nil
}

// Size returns the size of name on disk, header included.
func (d *Dir) Size(name string) (int64, error) {
	if !validName(name) {
		return 0, ErrBadName
	}
	st, err := os.Stat(filepath.Join(d.path, name))
	if err != nil {
		return 0, fmt.Errorf("state: %w", err)
	}
	return st.Size(), nil
}

// FileSize returns the size on disk of a state file whose payload is n
// bytes: the payload and its header line.
func FileSize(n int) int64 {
	return int64(len(magic)+2*sha256.Size+1) + int64(n)
}

// File is a state file as Files lists it.
type File struct {
	Name    string
	Size    int64
	ModTime time.Time
}

// Files lists the state files in the directory, temporary files left
// out.
func (d *Dir) Files() ([]File, error) {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	files := make([]File, 0, len(entries))
	for _, e := range entries {
		if !e.Type().IsRegular() || !validName(e.Name()) {
			continue
		}
		if info, err := e.Info(); err == nil {
			files = append(files, File{Name: e.Name(), Size: info.Size(), ModTime: info.ModTime()})
		}
	}
	return files, nil
}

// Touch sets the modification time of name to t, its content unchanged.
func (d *Dir) Touch(name string, t time.Time) error {
	if !validName(name) {
		return ErrBadName
	}
	if err := os.Chtimes(filepath.Join(d.path, name), time.Time{}, t); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	return nil
}

// Remove deletes name; a missing file is not an error.
func (d *Dir) Remove(name string) error {
	if !validName(name) {
		return ErrBadName
	}
	err := os.Remove(filepath.Join(d.path, name))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("state: remove %s: %w", name, err)
	}
	return nil
}

func verify(b []byte) ([]byte, bool) {
	head, payload, ok := bytes.Cut(b, []byte("\n"))
	if !ok || !bytes.HasPrefix(head, []byte(magic)) {
		return nil, false
	}
	want, err := hex.DecodeString(string(head[len(magic):]))
	if err != nil || len(want) != sha256.Size {
		return nil, false
	}
	sum := sha256.Sum256(payload)
	if !bytes.Equal(sum[:], want) {
		return nil, false
	}
	return payload, true
}

package taxii

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/state"
)

// TestOwnerRemembered: MISP is asked once whose a key is; the answer is
// kept in the state directory, so a restart with MISP down finds it; a
// failed question is asked again.
func TestOwnerRemembered(t *testing.T) {
	dir, err := state.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	down := errors.New("MISP down")
	asked := 0
	ask := func(user string, err error) func() (string, error) {
		return func() (string, error) { asked++; return user, err }
	}
	m := NewManager(dir, nil)
	if _, err := m.Owner("k1", ask("", down)); !errors.Is(err, down) {
		t.Fatalf("MISP down, nothing remembered: %v", err)
	}
	for range 2 {
		if u, err := m.Owner("k1", ask("u1", nil)); u != "u1" || err != nil {
			t.Fatalf("got %q, %v", u, err)
		}
	}
	if asked != 2 {
		t.Fatalf("MISP asked %d times, want 2", asked)
	}
	if u, err := NewManager(dir, nil).Owner("k1", ask("", down)); u != "u1" || err != nil || asked != 2 {
		t.Fatalf("after a restart with MISP down: %q, %v, asked %d times", u, err, asked)
	}
}

// TestAdoptPerKeyHistory: a user's first collection takes the history
// kept per MISP key before, and keeps it as its own: another key of
// the user with a history of its own is merged into it
// (TestMergePerKeyHistories), not put in its place, and once.
func TestAdoptPerKeyHistory(t *testing.T) {
	dirPath := t.TempDir()
	dir, err := state.Open(dirPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	m := NewManager(dir, nil)
	const k1, k2, user = "misp.example.net|k1|block", "misp.example.net|k2|block", "misp.example.net|u1|block"
	for i, key := range []string{k1, k2} {
		ins := []indicator.Indicator{[]indicator.Indicator{indA, indB}[i]}
		if _, err := m.Refresh(key, mustCollection(t, m, key), new(int), func() []indicator.Indicator { return ins },
			nil, t0.Add(time.Duration(i)*time.Minute), nil); err != nil {
			t.Fatal(err)
		}
	}
	want := mustObjects(t, mustCollection(t, m, k1), "match[version]=all", "")

	m = NewManager(dir, nil)
	c, err := m.CollectionAdopting(user, k1, testID)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustObjects(t, c, "match[version]=all", ""); !bytes.Equal(got.Body, want.Body) {
		t.Fatalf("adopting k1:\n%s\nwant k1's\n%s", got.Body, want.Body)
	}
	// An adoption by an earlier version left no record of it: the user's
	// history continues k1's, so k1's is not merged again.
	if err := os.Remove(filepath.Join(dirPath, mergedFile(user, k1))); err != nil {
		t.Fatal(err)
	}
	var merged []byte
	for range 2 {
		m = NewManager(dir, nil) // a restart: the history is read from its own file
		for _, legacy := range []string{k1, k2, k1} {
			if c, err = m.CollectionAdopting(user, legacy, testID); err != nil {
				t.Fatal(err)
			}
		}
		got := mustObjects(t, c, "match[version]=all", "").Body
		if !bytes.HasPrefix(got, want.Body[:len(want.Body)-2]) || merged != nil && !bytes.Equal(got, merged) {
			t.Fatalf("k1's then k2's:\n%s\nwant k1's then k2's merged once", got)
		}
		merged = got
	}
	for _, key := range []string{k1, k2} {
		if _, err := os.Stat(filepath.Join(dirPath, fileName(key))); err != nil {
			t.Fatalf("the per-key history is gone: %v", err)
		}
	}
}

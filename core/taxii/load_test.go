package taxii

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/internal/testtool"
)

// TestLoadCorrupt: a corrupt history file (truncated, zeroed, garbled)
// is set aside and its previous generation served; versions added from
// then on are dated after the corrupt file was written. Without a
// previous generation the collection is unavailable, never empty.
func TestLoadCorrupt(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	written := t0.Add(150 * time.Second) // the corrupt file's time: after the refresh at t0+3m's clock
	truncate := func(b []byte) []byte { return b[:len(b)/2] }
	flip := func(b []byte) []byte { b[len(b)-5] ^= 0x20; return b }
	zeros := func(b []byte) []byte { return make([]byte, len(b)) }
	bytesOf := func(s string) func([]byte) []byte { return func([]byte) []byte { return []byte(s) } }
	// The current generation: b left, c came at t0+1m; the previous one,
	// a and b. Recovered, a refresh at t0+2m revokes b and adds c again.
	recovered := []string{"10:02:30 192.0.2.2/0 10:02:30", "10:02:30 192.0.2.3/0 22:13:20"}
	tests := []struct {
		name    string
		current func([]byte) []byte // the current file's bytes from the good ones; nil: removed
		prev    func([]byte) []byte // the same for the previous generation; nil: kept
		state   string              // the trouble reported
		after   []string            // a client that polled the second generation sees, after a refresh at t0+2m
	}{
		{name: "current fine, previous truncated", prev: truncate, current: func(b []byte) []byte { return b }},
		{name: "truncated", current: truncate, state: TroubleRecovered, after: recovered},
		{name: "empty", current: bytesOf(""), state: TroubleRecovered, after: recovered},
		{name: "zeroed", current: zeros, state: TroubleRecovered, after: recovered},
		{name: "a flipped bit", current: flip, state: TroubleRecovered, after: recovered},
		{name: "the checksum line alone", current: func(b []byte) []byte { return b[:bytes.IndexByte(b, '\n')+1] }, state: TroubleRecovered, after: recovered},
		{name: "not a state file", current: bytesOf("{\"objects\":[]}\n"), state: TroubleRecovered, after: recovered},
		{name: "checksum right, payload empty", current: checksummed(""), state: TroubleRecovered, after: recovered},
		{name: "checksum right, history inconsistent", current: checksummed(stateHeader + " 1 1 1\nnull\no 0 ipv4 0 1 5 0 \"192.0.2.1\"\nr 0 0\n"),
			state: TroubleRecovered, after: recovered},
		{name: "no previous generation", current: truncate, prev: bytesOf(""), state: TroubleUnavailable},
		{name: "both corrupt", current: zeros, prev: truncate, state: TroubleUnavailable},
		// A save stopped between its renames: the previous generation is
		// the last saved, and continuous.
		{name: "current missing", prev: func(b []byte) []byte { return b }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dirPath := t.TempDir()
			logger, logs := testtool.JSONLogger()
			dir, err := state.Open(dirPath, logger)
			if err != nil {
				t.Fatal(err)
			}
			m := NewManager(dir, logger)
			c := mustCollection(t, m, durableKey)
			for i, ins := range [][]indicator.Indicator{{indA, indB}, {indA, indC}} {
				if err := refresh(m, c, t0.Add(time.Duration(i)*time.Minute), nil, ins...); err != nil {
					t.Fatal(err)
				}
			}
			file := filepath.Join(dirPath, fileName(durableKey))
			good, _ := os.ReadFile(file)
			goodPrev, _ := os.ReadFile(file + prevSuffix)
			if tt.name == "current missing" {
				good, goodPrev = nil, good
			}
			corrupt := set(t, file, tt.current, good)
			if tt.prev != nil {
				set(t, file+prevSuffix, tt.prev, goodPrev)
			}
			if tt.current != nil {
				if err := os.Chtimes(file, written, written); err != nil {
					t.Fatal(err)
				}
			}

			m = NewManager(dir, logger)
			c, err = m.Collection(durableKey, testID)
			troubles := m.Troubles()
			if tt.state == TroubleUnavailable {
				if err == nil || len(troubles) != 1 || troubles[0].State != tt.state || troubles[0].File == "" {
					t.Fatalf("collection %v, error %v, troubles %+v", c, err, troubles)
				}
				if b, _ := os.ReadFile(file); !bytes.Equal(b, corrupt) {
					t.Fatal("the corrupt file changed")
				}
				if _, err := m.Collection(durableKey, testID); err == nil || !strings.Contains(logs.String(), "the collection answers 503") {
					t.Fatalf("second call: %v; log %s", err, logs.String())
				}
				// The operator removes the files: the collection starts afresh.
				for _, f := range []string{file, file + prevSuffix} {
					_ = os.Remove(f)
				}
				if c, err := m.Collection(durableKey, testID); err != nil || c.Len() != 0 || len(m.Troubles()) != 0 {
					t.Fatalf("files removed: %v, troubles %+v", err, m.Troubles())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.state == "" {
				if len(troubles) != 0 {
					t.Fatalf("troubles %+v", troubles)
				}
			} else {
				if len(troubles) != 1 || troubles[0].State != tt.state || troubles[0].File != file || !strings.Contains(troubles[0].Error, "corrupt") {
					t.Fatalf("troubles %+v", troubles)
				}
				asides, _ := filepath.Glob(file + ".corrupt-*")
				if len(asides) != 1 || !strings.Contains(troubles[0].Error, filepath.Base(asides[0])) || !strings.Contains(logs.String(), "taxii collection state corrupt") {
					t.Fatalf("set aside %v; trouble %+v; log %s", asides, troubles[0], logs.String())
				}
				if b, _ := os.ReadFile(asides[0]); !bytes.Equal(b, corrupt) {
					t.Fatal("the file set aside is not the corrupt one")
				}
			}
			// A client that polled the second generation.
			after := "2026-05-01T10:01:00.000Z"
			if got := seen(t, c, after); len(got) != 0 {
				t.Fatalf("before the refresh: %q", got)
			}
			if err := refresh(m, c, t0.Add(2*time.Minute), nil, indA, indC); err != nil {
				t.Fatal(err)
			}
			if got := seen(t, c, after); !slices.Equal(got, tt.after) {
				t.Fatalf("after the refresh: %q, want %q", got, tt.after)
			}
			// A restart finds it as served, and nothing in trouble.
			m = NewManager(dir, logger)
			if r := mustCollection(t, m, durableKey); !slices.Equal(seen(t, r, ""), seen(t, c, "")) || len(m.Troubles()) != 0 {
				t.Fatalf("after a restart: %q, troubles %+v", seen(t, r, ""), m.Troubles())
			}
		})
	}
}

// checksummed returns a state file of payload with a right checksum.
func checksummed(payload string) func([]byte) []byte {
	sum := sha256.Sum256([]byte(payload))
	return func([]byte) []byte { return []byte("cratos-state/1 " + hex.EncodeToString(sum[:]) + "\n" + payload) }
}

// set writes file as f makes it of good (nil f: removes it) and returns
// what it wrote.
func set(t *testing.T, file string, f func([]byte) []byte, good []byte) []byte {
	t.Helper()
	if f == nil {
		if err := os.Remove(file); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		return nil
	}
	b := f(slices.Clone(good))
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return b
}

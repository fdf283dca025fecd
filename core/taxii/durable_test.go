package taxii

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/state"
)

var (
	indA = ind(indicator.IPv4, "192.0.2.1", 1700000000)
	indB = ind(indicator.IPv4, "192.0.2.2", 1700000000)
	indC = ind(indicator.IPv4, "192.0.2.3", 1700000000)
	indD = ind(indicator.IPv4, "192.0.2.4", 1700000000)
)

// seen is what a client polling with added_after (empty: everything)
// gets: each object version as "<date_added> <value or type> <version>".
func seen(t *testing.T, c *Collection, after string) []string {
	t.Helper()
	names := map[string]string{}
	for _, in := range []indicator.Indicator{indA, indB, indC, indD} {
		for gen := range uint32(3) {
			names[indicatorID(testID, in.Type, in.Value, gen)] = in.Value + "/" + itoa(int64(gen))
		}
	}
	q := "match[version]=all"
	if after != "" {
		q += "&added_after=" + after
	}
	_, objs := decode(t, mustManifest(t, c, q))
	var out []string
	for _, o := range objs {
		name, ok := names[o.ID]
		if !ok {
			name, _, _ = strings.Cut(o.ID, "--")
		}
		out = append(out, o.DateAdded[11:19]+" "+name+" "+o.Version[11:19])
	}
	return out
}

// refresh is what a request does with the feed ins at at.
func refresh(m *Manager, c *Collection, at time.Time, gate Gate, ins ...indicator.Indicator) error {
	_, err := m.Refresh(durableKey, c, new(int), func() []indicator.Indicator {
		return indicator.Normalize(slices.Clone(ins))
	}, nil, at, gate)
	return err
}

const durableKey = "misp.example.net|k1|block"

// durableCollection returns a Manager keeping its state in a directory of
// its own, the directory, and the Manager's collection of durableKey.
func durableCollection(t *testing.T) (*state.Dir, *Manager, *Collection) {
	t.Helper()
	dir, err := state.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	m := NewManager(dir, nil)
	return dir, m, mustCollection(t, m, durableKey)
}

// TestRefreshSavedBeforeServed: a change is saved before it is served.
// When its save fails, or the process dies while saving, clients get
// the previous history, and the change comes once, with the date_added
// of the refresh that saved it, before and after a restart alike.
func TestRefreshSavedBeforeServed(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	t1, t2 := t0.Add(time.Minute), t0.Add(2*time.Minute)
	first := []string{"10:00:00 identity 00:00:00", "10:00:00 192.0.2.1/0 22:13:20", "10:00:00 192.0.2.2/0 22:13:20"}
	tests := []struct {
		name    string
		fail    bool     // the save of the refresh at t1 fails
		killed  bool     // the process dies in that save
		afterT1 []string // what a client polling after t0 sees then
		afterT2 []string // and after the refresh at t2
	}{
		{name: "saved",
			afterT1: []string{"10:01:00 192.0.2.2/0 10:01:00", "10:01:00 192.0.2.3/0 22:13:20"}},
		{name: "save fails", fail: true,
			afterT2: []string{"10:02:00 192.0.2.2/0 10:02:00", "10:02:00 192.0.2.3/0 22:13:20"}},
		{name: "killed while saving", killed: true,
			afterT2: []string{"10:02:00 192.0.2.2/0 10:02:00", "10:02:00 192.0.2.3/0 22:13:20"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, m, c := durableCollection(t)
			if err := refresh(m, c, t0, nil, indA, indB); err != nil {
				t.Fatal(err)
			}
			if got := seen(t, c, ""); !slices.Equal(got, first) {
				t.Fatalf("first poll %q", got)
			}
			after := "2026-05-01T10:00:00.000Z"
			// The refresh at t1 (b left, c came) and its save.
			var inFlight chan []string
			m.write = func(name string, b []byte) error {
				// A request arriving during the save waits for it.
				inFlight = make(chan []string, 1)
				dying := c
				go func() { inFlight <- seen(t, dying, after) }()
				switch {
				case tt.killed:
					// The process dies here; another starts from the disk.
					m = NewManager(dir, nil)
					c = mustCollection(t, m, durableKey)
					return errors.New("killed")
				case tt.fail:
					return errors.New("no space left on device")
				}
				return dir.Write(name, b)
			}
			err := refresh(m, c, t1, nil, indA, indC)
			if (tt.fail || tt.killed) != errors.Is(err, ErrNotSaved) {
				t.Fatalf("refresh at t1: %v", err)
			}
			if got := <-inFlight; !slices.Equal(got, tt.afterT1) {
				t.Fatalf("a request during the save saw %q, want %q", got, tt.afterT1)
			}
			if got := seen(t, c, after); !slices.Equal(got, tt.afterT1) {
				t.Fatalf("after the refresh at t1: %q, want %q", got, tt.afterT1)
			}
			if tr := m.Troubles(); tt.fail != (len(tr) == 1 && tr[0].State == TroubleNotSaved && strings.Contains(tr[0].Error, "no space")) {
				t.Fatalf("troubles %+v", tr)
			}
			m.write = dir.Write
			if err := refresh(m, c, t2, nil, indA, indC); err != nil {
				t.Fatal(err)
			}
			if got := seen(t, c, after); !slices.Equal(got, append(slices.Clone(tt.afterT1), tt.afterT2...)) {
				t.Fatalf("after the refresh at t2: %q, want %q then %q", got, tt.afterT1, tt.afterT2)
			}
			if tr := m.Troubles(); len(tr) != 0 {
				t.Fatalf("troubles once saved: %+v", tr)
			}
			// A restart serves the same history, byte for byte.
			want := mustObjects(t, c, "match[version]=all", "")
			got := mustObjects(t, mustCollection(t, NewManager(dir, nil), durableKey), "match[version]=all", "")
			if string(got.Body) != string(want.Body) {
				t.Fatalf("after a restart:\n%s\nwant\n%s", got.Body, want.Body)
			}
		})
	}
}

// TestRefreshNotSavedTakenBack: a refresh whose save fails leaves no
// trace: the history after the next refresh is the one it would be
// without it, whatever the failed refresh added, revoked or re-added.
func TestRefreshNotSavedTakenBack(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	tlp := map[string]string{"tlp": "amber"}
	tests := []struct {
		name string
		ins  []indicator.Indicator
		opts map[string]string
	}{
		{name: "adds and re-adds a revoked one", ins: []indicator.Indicator{indA, indB, indC}},
		{name: "revokes everything"},
		{name: "new options only", ins: []indicator.Indicator{indA}, opts: tlp},
		{name: "all at once", ins: []indicator.Indicator{indB, indD}, opts: tlp},
	}
	history := func(m *Manager, c *Collection, failed []indicator.Indicator, opts map[string]string) []byte {
		t.Helper()
		for i, ins := range [][]indicator.Indicator{{indA, indB}, {indA}} {
			if err := refresh(m, c, t0.Add(time.Duration(i)*time.Minute), nil, ins...); err != nil {
				t.Fatal(err)
			}
		}
		if failed != nil || opts != nil {
			before := mustObjects(t, c, "match[version]=all", "")
			m.write = func(string, []byte) error { return errors.New("read-only file system") }
			_, err := m.Refresh(durableKey, c, new(int), func() []indicator.Indicator { return failed }, opts, t0.Add(2*time.Minute), nil)
			if !errors.Is(err, ErrNotSaved) {
				t.Fatalf("failed refresh: %v", err)
			}
			if got := mustObjects(t, c, "match[version]=all", ""); string(got.Body) != string(before.Body) {
				t.Fatalf("served after the failed refresh:\n%s\nbefore it:\n%s", got.Body, before.Body)
			}
			m.write = func(string, []byte) error { return nil }
		}
		if err := refresh(m, c, t0.Add(3*time.Minute), nil, indB, indC, indD); err != nil {
			t.Fatal(err)
		}
		b, err := c.MarshalState()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	newManager := func() *Manager {
		m := NewManager(nil, nil)
		m.write = func(string, []byte) error { return nil }
		return m
	}
	want := history(newManager(), NewCollection(testID), nil, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ins := tt.ins
			if ins == nil {
				ins = []indicator.Indicator{}
			}
			if got := history(newManager(), NewCollection(testID), ins, tt.opts); string(got) != string(want) {
				t.Fatalf("history\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestRefreshNotSavedKeepsRelease: a refresh the gate let through (an
// admin released its hold) whose save failed is applied by the next
// request without asking the gate again, which would hold it anew.
func TestRefreshNotSavedKeepsRelease(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	m := NewManager(nil, nil)
	fail := true
	m.write = func(string, []byte) error {
		if fail {
			return errors.New("I/O error")
		}
		return nil
	}
	c := NewCollection(testID)
	fail = false
	if err := refresh(m, c, t0, nil, indA, indB, indC); err != nil {
		t.Fatal(err)
	}
	asked := 0
	released := func(Counts) bool { asked++; return asked > 1 }
	view := func() []indicator.Indicator { return []indicator.Indicator{indA} }
	for i, wantErr := range []bool{true, false} {
		fail = wantErr
		held, err := m.Refresh(durableKey, c, "snapshot 2", view, nil, t0.Add(time.Minute), released)
		if held || errors.Is(err, ErrNotSaved) != wantErr {
			t.Fatalf("refresh %d: held %v, err %v", i, held, err)
		}
	}
	if got := seen(t, c, "2026-05-01T10:00:00.000Z"); !slices.Equal(got, []string{"10:01:00 192.0.2.2/0 10:01:00", "10:01:00 192.0.2.3/0 10:01:00"}) || asked != 1 {
		t.Fatalf("after the retry (gate asked %d times): %q", asked, got)
	}
}

package server

import (
	"errors"
	"os"
	"testing"
	"time"
)

func TestDeadlineKeeps(t *testing.T) {
	at := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		inForce  time.Time
		asked    time.Time
		keepsOld bool
	}{
		{"none in force", time.Time{}, at, false},
		{"cleared", at, time.Time{}, false},
		{"the same", at, at, true},
		{"later, within the slack", at, at.Add(deadlineSlack - time.Nanosecond), true},
		{"later by the slack", at, at.Add(deadlineSlack), false},
		{"earlier by a nanosecond", at, at.Add(-time.Nanosecond), false},
		{"much earlier", at, at.Add(-time.Hour), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d deadline
			d.set(tc.inForce)
			if got := d.keeps(tc.asked); got != tc.keepsOld {
				t.Errorf("keeps(%v) with %v in force = %v, want %v", tc.asked, tc.inForce, got, tc.keepsOld)
			}
		})
	}
}

// A limitConn keeps a deadline asked within the slack after the one in
// force, sets one asked earlier at once, and clears a cleared one.
func TestCoarseDeadlinesOnAConnection(t *testing.T) {
	far := time.Now().Add(time.Hour)
	t.Run("kept within the slack", func(t *testing.T) {
		lc, _ := heldPair(t)
		for _, d := range []time.Time{far, far.Add(deadlineSlack / 2)} {
			if err := lc.SetReadDeadline(d); err != nil {
				t.Fatal(err)
			}
		}
		if got := lc.rdl.at.Load(); got != far.UnixNano() {
			t.Errorf("read deadline in force %v, want %v (kept)", time.Unix(0, got), far)
		}
	})
	t.Run("set at once when earlier", func(t *testing.T) {
		lc, client := heldPair(t)
		if err := lc.SetReadDeadline(far); err != nil {
			t.Fatal(err)
		}
		if err := lc.SetReadDeadline(time.Now().Add(50 * time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		// Should the earlier deadline not be set, this byte ends the
		// read rather than the hour.
		late := time.AfterFunc(20*time.Second, func() { _, _ = client.Write([]byte("x")) })
		defer late.Stop()
		if n, err := lc.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("read with an earlier deadline: %d bytes, %v; want a timeout", n, err)
		}
	})
	t.Run("cleared", func(t *testing.T) {
		lc, client := heldPair(t)
		if err := lc.SetReadDeadline(time.Now().Add(50 * time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if err := lc.SetReadDeadline(time.Time{}); err != nil {
			t.Fatal(err)
		}
		time.AfterFunc(200*time.Millisecond, func() { _, _ = client.Write([]byte("x")) })
		b := make([]byte, 1)
		if n, err := lc.Read(b); err != nil || n != 1 || b[0] != 'x' {
			t.Fatalf("read after the deadline was cleared: %d %q %v", n, b[:n], err)
		}
	})
	t.Run("both at once", func(t *testing.T) {
		lc, _ := heldPair(t)
		if err := lc.SetDeadline(far); err != nil {
			t.Fatal(err)
		}
		if err := lc.SetWriteDeadline(far.Add(time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if r, w := lc.rdl.at.Load(), lc.wdl.at.Load(); r != far.UnixNano() || w != far.UnixNano() {
			t.Errorf("deadlines in force %v, %v, want %v for both", time.Unix(0, r), time.Unix(0, w), far)
		}
		if err := lc.SetDeadline(time.Time{}); err != nil {
			t.Fatal(err)
		}
		if r, w := lc.rdl.at.Load(), lc.wdl.at.Load(); r != 0 || w != 0 {
			t.Errorf("deadlines in force after clearing: %d, %d", r, w)
		}
	})
}

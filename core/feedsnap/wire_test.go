package feedsnap_test

import (
	"context"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/indicator"
)

// deltaOf is the delta that adds events, holding attributes in all.
func deltaOf(tb testing.TB, events map[int64][]indicator.Attribute, attributes int) feedsnap.Delta {
	d := feedsnap.Delta{Events: map[int64]feedsnap.Event{}, Attributes: attributes}
	for id, attrs := range events {
		e, err := feedsnap.NewEvent(attrs)
		if err != nil {
			tb.Fatal(err)
		}
		d.Events[id] = e
	}
	return d
}

func attributesOf(s *feedsnap.Snapshot) []indicator.Attribute {
	var out []indicator.Attribute
	s.Each(func(a indicator.Attribute) { out = append(out, a) })
	return out
}

// A whole snapshot, and the delta of each refresh, survive their wire
// form: applying them in turn gives exactly the refreshed snapshots.
func TestDeltaWireRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, feed := range []string{"block", "incident", "42"} {
		w, q, snap := readAfter(t, 3, feed)
		copied := roundTrip(t, nil, feedsnap.Changes(nil, snap))
		for round := range 5 {
			for range 10 {
				w.step()
			}
			next, _, err := feedsnap.Refresh(ctx, w.src, q, snap, w.now(), feedsnap.DefaultMargin)
			if err != nil {
				t.Fatal(err)
			}
			copied = roundTrip(t, copied, feedsnap.Changes(snap, next))
			if got, want := attributesOf(copied), attributesOf(next); !slices.Equal(got, want) || !copied.Read.Equal(next.Read) ||
				next.MISPStart.IsZero() || !copied.MISPStart.Equal(next.MISPStart) {
				t.Fatalf("%s round %d: the copy holds %d attributes read at %s (MISP %s), want %d read at %s (MISP %s)",
					feed, round, len(got), copied.Read, copied.MISPStart, len(want), next.Read, next.MISPStart)
			}
			snap = next
		}
		w.close()
	}
}

func roundTrip(t *testing.T, base *feedsnap.Snapshot, d feedsnap.Delta) *feedsnap.Snapshot {
	t.Helper()
	wire, err := d.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back, err := feedsnap.UnmarshalDelta(wire)
	if err != nil {
		t.Fatal(err)
	}
	out, err := base.Apply(back)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A delta applied to another snapshot than its own, and any cut or
// altered wire form, is refused.
func TestDeltaRefusesWhatDoesNotFit(t *testing.T) {
	a := indicator.Attribute{Type: "ip-dst", Value: "192.0.2.1", Category: "Network activity",
		UUID: "5f0c7c4e-1c2b-4d3e-9f00-0123456789ab", EventID: 7, Timestamp: 1700000000, ToIDS: true}
	b := indicator.Attribute{Type: "domain", Value: "bad.example", Category: "Network activity", UUID: "not-a-uuid", EventID: 9, Timestamp: 1}
	whole := deltaOf(t, map[int64][]indicator.Attribute{7: {a}, 9: {b}}, 2)
	snap, err := (*feedsnap.Snapshot)(nil).Apply(whole)
	if err != nil {
		t.Fatal(err)
	}
	if got := attributesOf(roundTrip(t, nil, whole)); !slices.Equal(got, []indicator.Attribute{a, b}) {
		t.Fatalf("round trip gave %+v", got)
	}
	drop := feedsnap.Delta{Dropped: []int64{9}, Attributes: 1}
	if _, err := (*feedsnap.Snapshot)(nil).Apply(drop); err == nil {
		t.Error("a delta from a one-event snapshot applied to an empty one was accepted")
	}
	if got, err := snap.Apply(drop); err != nil || got.Attributes != 1 {
		t.Errorf("dropping event 9: %v, %v", got, err)
	}
	wire, err := whole.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{nil, wire[:len(wire)/2], append(slices.Clone(wire), 0), flip(wire, len(wire)/2)} {
		if d, err := feedsnap.UnmarshalDelta(bad); err == nil {
			if _, err := (*feedsnap.Snapshot)(nil).Apply(d); err == nil && len(bad) != len(wire) {
				t.Errorf("a wire form of %d bytes (of %d) was accepted", len(bad), len(wire))
			}
		}
	}
}

func flip(b []byte, i int) []byte {
	out := slices.Clone(b)
	out[i] ^= 0xff
	return out
}

// FuzzUnmarshalDelta: any bytes decode or fail, never panic.
func FuzzUnmarshalDelta(f *testing.F) {
	wire, _ := deltaOf(f, map[int64][]indicator.Attribute{1: {{Type: "ip-dst", Value: "192.0.2.1", UUID: "x"}}}, 1).MarshalBinary()
	f.Add(wire)
	f.Fuzz(func(t *testing.T, b []byte) {
		if d, err := feedsnap.UnmarshalDelta(b); err == nil {
			_, _ = (*feedsnap.Snapshot)(nil).Apply(d)
		}
	})
}

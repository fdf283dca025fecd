package export

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/feedsnap"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// The answer a refresh replaced shares with the new one the events that
// did not change: kept beside it, it is charged what it holds beyond
// them, and kept when the budget has room for that. Charged whole, it was
// dropped while it cost little, and a list held after a change of its
// guard served the former list as built under the former guard.
func TestFormerAnswerChargedWhatItDoesNotShare(t *testing.T) {
	read := func(events int) *feedsnap.Snapshot {
		t.Helper()
		var attrs []indicator.Attribute
		for ev := range events {
			for i := range 50 {
				attrs = append(attrs, indicator.Attribute{EventID: int64(ev + 1), Type: "ip-dst", Value: fmt.Sprintf("198.51.%d.%d", ev, i),
					UUID: fmt.Sprintf("5f0c7c4e-1c2b-4d3e-9f00-%012d", ev*100+i), ToIDS: true, Timestamp: 1_700_000_000})
			}
		}
		search := func(_ context.Context, _ misp.Query, newSink func() func(indicator.Attribute)) (int, error) {
			sink := newSink()
			for _, a := range attrs {
				sink(a)
			}
			return len(attrs), nil
		}
		snap, _, err := feedsnap.Full(t.Context(), feedsnap.Source{Search: search}, misp.Query{}, time.Unix(int64(1_700_000_000+events), 0))
		if err != nil {
			t.Fatal(err)
		}
		return snap
	}
	former := read(10)
	// A refresh that finds nine events dropped, the first one shared.
	refreshed, err := former.Apply(feedsnap.Changes(former, read(1)))
	if err != nil {
		t.Fatal(err)
	}
	beside := former.BytesBeside(refreshed)
	if beside >= former.Bytes()/2 {
		t.Fatalf("former answer holds %d bytes beyond the refreshed one, of %d: nothing shared", beside, former.Bytes())
	}
	st := &feedState{}
	st.keep(former, "", 1<<30)
	room := refreshed.Bytes() + beside
	st.keep(refreshed, "", room)
	if st.prev.Load() != former || st.bytes.Load() != room {
		t.Fatalf("with room for %d bytes: former answer kept %v, %d bytes charged; want it kept, %d charged (whole: %d)",
			room, st.prev.Load() != nil, st.bytes.Load(), room, refreshed.Bytes()+former.Bytes())
	}
}

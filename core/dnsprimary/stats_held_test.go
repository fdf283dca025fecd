package dnsprimary

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The text a Source returns with SourceHeld is served (a new serial when
// it changed), and the rebuild is counted as held, LastSuccess kept.
func TestSourceHeldTextServed(t *testing.T) {
	clock := newClock()
	src := &fakeSource{text: policyZone(domainsV1)}
	s := startServer(t, clock.Now, newTestZone(src))
	clock.Advance(time.Minute)
	src.set(policyZone(domainsV2), SourceHeld(errors.New("list block/domain held")))
	if err := s.Refresh(context.Background(), testZone); FailureReason(err) != FailHeld {
		t.Fatalf("Refresh: %v, want the hold", err)
	}
	if got, want := s.Serial(testZone), uint32(testEpoch+60); got != want {
		t.Errorf("serial %d, want %d for the held text", got, want)
	}
	st := s.Stats()[0]
	if st.Failures[FailHeld] != 1 || !st.LastFailed || !st.LastSuccess.Equal(time.Unix(testEpoch, 0)) {
		t.Errorf("stats %+v, want one held rebuild, the last failed, LastSuccess the first build's", st)
	}
}

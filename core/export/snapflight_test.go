package export

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

// await waits up to a minute for what ch tells.
func await(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Minute):
		t.Fatalf("no %s within a minute", what)
	}
}

// The lists of one feed, data type and age share one MISP read whoever
// started it: a device whose list joined the read gets it when the
// device that started it gave up, and the read stops once every list
// waiting for it has been given up.
func TestSharedReadOutlivesTheListThatStartedIt(t *testing.T) {
	for _, both := range []bool{false, true} {
		name := map[bool]string{false: "the second list is still wanted", true: "both lists given up"}[both]
		t.Run(name, func(t *testing.T) {
			m := newHeldMISP(t)
			s := limitsService(Limits{})
			txt := limitsRequest(m.URL, "k", "1d")
			json := txt
			json.Output, json.Consumer = "json", "c2"
			k := s.listKeys(json)
			if k.snapshot != s.listKeys(txt).snapshot {
				t.Fatal("the txt and json lists are made from two snapshots")
			}
			snapKey := s.opts.Namespace.Key(context.Background(), k.group, k.snapshot)

			first, leaveFirst := context.WithCancel(context.Background())
			second, leaveSecond := context.WithCancel(context.Background())
			defer leaveSecond()
			firstErr, secondDone := make(chan error, 1), make(chan struct{})
			var got Result
			var secondErr error
			go func() {
				_, err := s.Get(first, txt)
				firstErr <- err
			}()
			await(t, m.arrived, "read of the txt list")
			go func() {
				defer close(secondDone)
				got, secondErr = s.Get(second, json)
			}()
			testtool.WaitFor(t, "the json list to join the read", time.Minute, func() bool { return s.snaps.Waiting(snapKey) == 2 })
			leaveFirst()
			if err := <-firstErr; !errors.Is(err, context.Canceled) {
				t.Fatalf("the txt list's request: %v, want its own cancellation", err)
			}
			if both {
				leaveSecond()
				await(t, m.closed, "closed MISP connection once every list was given up")
				<-secondDone
				if !errors.Is(secondErr, context.Canceled) {
					t.Fatalf("the json list's request: %v, want its own cancellation", secondErr)
				}
				return
			}
			m.open()
			<-secondDone
			if secondErr != nil {
				t.Fatalf("the json list: %v", secondErr)
			}
			if got.Status != Miss || got.Entries != 3 {
				t.Fatalf("the json list: status %s, %d entries; want a MISS of 3", got.Status, got.Entries)
			}
			if n := m.searches.Load(); n != 1 {
				t.Errorf("MISP got %d restSearch requests, want 1", n)
			}
		})
	}
}

package dnsprimary

import (
	"context"
	"testing"
)

// A rebuild cancelled by Close is no failed rebuild: a shutdown never
// counts one, under any reason the Source gives the cancellation.
func TestStatsCancelledRebuildNotCounted(t *testing.T) {
	for _, tc := range []struct {
		name string
		wrap func(error) error
	}{
		{"plain", func(err error) error { return err }},
		{"as misp", func(err error) error { return SourceFailure(FailMISP, err) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entered := make(chan struct{})
			z := Zone{Name: testZone, AllowTransfer: loopback, Source: func(ctx context.Context) (string, error) {
				close(entered)
				<-ctx.Done()
				return "", tc.wrap(ctx.Err())
			}}
			s, err := New(Options{Addr: "127.0.0.1:0", Zones: []Zone{z}, Logger: testLogger(t), Now: newClock().Now})
			if err != nil {
				t.Fatal(err)
			}
			started, cancel := context.WithCancel(context.Background())
			cancel() // the first build goes on in the background
			if err := s.Start(started); err != nil {
				t.Fatal(err)
			}
			<-entered
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			for reason, n := range s.Stats()[0].Failures {
				if n != 0 {
					t.Errorf("Failures[%s] = %d after a shutdown, want 0", reason, n)
				}
			}
		})
	}
}

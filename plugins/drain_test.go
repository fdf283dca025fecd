package plugins

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// TestFaultSparesRendersInFlight checks that a render that breaks the
// protocol fails alone: a render of another list in progress on the same
// process completes with all its output, the next request is served by a
// new process, and the old one ends when the render in progress is done.
func TestFaultSparesRendersInFlight(t *testing.T) {
	p, _ := launch(t, Config{Name: "faulty", Path: binary(t, "faulty")})
	p.mu.Lock()
	old := p.cur
	p.mu.Unlock()

	in := ips(4 * BatchSize)
	want, err := render(p.Renderer(), "ok", in)
	if err != nil {
		t.Fatal(err)
	}
	// The render in flight sends half of its input, then waits for the
	// faulty render to have failed before sending the rest.
	halfSent, faultDone := make(chan struct{}), make(chan struct{})
	held := func(yield func(indicator.Indicator) bool) {
		for i, x := range in {
			if i == len(in)/2 {
				close(halfSent)
				<-faultDone
			}
			if !yield(x) {
				return
			}
		}
	}
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() {
		done <- p.Renderer().Render(context.Background(), &out, renderers.Request{Site: "misp.example", Feed: "ok", Generated: time.Unix(1_800_000_000, 0).UTC()}, held)
	}()
	<-halfSent

	_, err = render(p.Renderer(), "long-drop", ips(3))
	close(faultDone)
	if !errors.Is(err, ErrProtocol) {
		t.Fatalf("long drop reason: %v, want a protocol violation", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the render in flight failed with the other one: %v", err)
	}
	if out.String() != want {
		t.Fatalf("the render in flight wrote %d bytes, want %d", out.Len(), len(want))
	}
	if got, err := render(p.Renderer(), "ok", ips(3)); err != nil || got != "198.51.0.0\n198.51.0.1\n198.51.0.2\n" {
		t.Fatalf("next request: %q, %v", got, err)
	}
	if p.Restarts() != 1 {
		t.Fatalf("Restarts = %d, want 1", p.Restarts())
	}
	deadline := time.Now().Add(time.Minute)
	for !old.proc.Exited() {
		if time.Now().After(deadline) {
			t.Fatal("the failed process still runs after its last render")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

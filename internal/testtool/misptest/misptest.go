// Package misptest builds the MISP emulator (conformance/mispsim) that
// end-to-end tests serve their events from.
package misptest

import (
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
)

// Emulator returns a new emulator holding events; it fails t when one is
// refused. The caller serves it (Server.Start, or a handler of its own).
func Emulator(t testing.TB, events ...mispsim.Event) *mispsim.Server {
	t.Helper()
	sim, err := mispsim.New(mispsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		if _, err := sim.AddEvent(ev); err != nil {
			t.Fatal(err)
		}
	}
	return sim
}

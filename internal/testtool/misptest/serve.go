package misptest

import (
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
)

// New returns a new emulator made with opts; it fails t when opts are
// refused.
func New(t testing.TB, opts mispsim.Options) *mispsim.Server {
	t.Helper()
	sim, err := mispsim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return sim
}

// Serve serves sim on a loopback port until the test ends and returns its
// base URL.
func Serve(t testing.TB, sim *mispsim.Server) string {
	t.Helper()
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return url
}

// Start returns a new emulator made with opts, served on a loopback port
// until the test ends, and its base URL.
func Start(t testing.TB, opts mispsim.Options) (*mispsim.Server, string) {
	t.Helper()
	sim := New(t, opts)
	return sim, Serve(t, sim)
}

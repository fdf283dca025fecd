// Package archtest holds the architecture test: it reads the module's
// import graph with go list and fails when a design rule of DESIGN.md is
// broken (Fiber outside core/server, plugins reaching core/config, test
// code linked into cmd/cratos, dependencies pointing the wrong way). It has
// no code of its own.
package archtest

// Package contract runs the renderer contract on a renderer and reports
// every failure as an error: Check runs the contract (valid Info, options,
// empty input, determinism, declared fields and data types, cancellation,
// write errors, concurrency). `cratos plugin check` runs it on a plugin
// program across the process boundary (core/cli). It imports neither
// testing, the test kit nor the plugin protocol, so the service links it
// without test code and a renderer's tests without gRPC.
//
// Tests reach the same checks through the test kit, package conformance
// (conformance.Check), which adds helpers taking a *testing.T.
package contract

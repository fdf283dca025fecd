// Package contract runs the renderer contract on a renderer and reports
// every failure as an error: it is what `cratos plugin check` runs, and it
// imports neither testing nor the test kit, so the service links it
// without test code.
//
//   - Check runs the contract (valid Info, options, empty input,
//     determinism, declared fields and data types, cancellation, write
//     errors, concurrency) on a renderer in this process;
//   - CheckPluginBinary launches a plugin program and runs Check on it
//     across the process boundary.
//
// Tests reach the same checks through the test kit, package conformance
// (conformance.Check), which adds helpers taking a *testing.T.
package contract

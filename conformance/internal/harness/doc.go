// Package harness holds what the renderer contract checks
// (conformance/contract) and the test kit (conformance) share, without
// importing testing: the fixed sample, the generated inputs, the request
// every check renders with, calls into a renderer that turn a panic into an
// error, and the description of where two outputs differ.
package harness

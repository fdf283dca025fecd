// Package plugins runs renderers out of process, so that a third party can
// add a vendor format without forking Cratos and a broken plugin never takes
// the service down.
//
// A plugin is a separate program whose whole main is
//
//	func main() { plugins.Serve(myRenderer{}) }
//
// It talks to the service through hashicorp/go-plugin over gRPC with mutual
// TLS, speaking the protocol in plugins/proto/renderer.proto: Info,
// ValidateOptions and one bidirectional Render stream that carries
// indicators in batches one way and output in chunks of at most 64 KiB the
// other, so that memory stays bounded on both sides whatever the feed size.
// The batches carry only the indicator fields the renderer's Info().Reads
// declares; both ends encode with one buffer pool of their own rather than
// gRPC's default, which clears a 1 MiB buffer for every message.
//
// On the service side, Launch starts a plugin binary after checking its
// SHA-256, with an empty environment, and returns a *Plugin whose Renderer
// satisfies renderers.Renderer like any built-in. A plugin that crashes,
// overruns the render deadline or breaks the protocol fails that one request
// with an *Error and is started again for the next one; unless it crashed,
// the renders already under way on the old process finish there. Client is the bare
// bridge over a gRPC connection and Loopback runs a renderer through the
// bridge inside one process, for conformance tests and benchmarks.
package plugins

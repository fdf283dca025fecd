// Package proto holds the wire protocol between Cratos and its out-of-process
// renderer plugins: renderer.proto and the Go code generated from it.
//
// Plugin authors do not need this package: plugins.Serve speaks the protocol
// for a renderers.Renderer. It is here for plugins written in other
// languages, which implement the Renderer service of renderer.proto.
package proto

//go:generate sh generate.sh

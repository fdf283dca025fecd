// Package export is the use case at the heart of Cratos: from a consumer's
// request to the bytes of one list, without HTTP. The pipeline resolves the
// renderer (request.go), turns the route into a MISP query (query.go),
// fetches and canonicalises a snapshot of indicators (fetch.go), passes it
// through the guard (guard.go), and renders it into an artifact: bytes, a
// strong ETag, and a date and zone serial that change only with the content
// (render.go, content.go).
//
// Caching is cache.Tier's: snapshots and artifacts are each one tier (in
// process, in memcached, one build at a time per key, and the last good
// artifact of every list for when MISP fails). Processes sharing memcached
// also take a lease in it before a build or a MISP query, so one of them
// does it and the others take its result (lease.go), and share each list's
// content state (content_shared.go). This package decides what
// may be served (get.go, refresh.go for lists served while rebuilt, hold.go
// for the circuit breaker, durable.go for last good lists on disk).
package export

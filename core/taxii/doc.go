// Package taxii is the protocol logic of Cratos's read-only TAXII 2.1
// server: collections made from a feed's indicator snapshot, their
// history (when each object was added, and the revoked version published
// when an indicator leaves the feed), the query parameters of the
// objects, manifest and versions endpoints, pagination and the response
// bodies. It never imports Fiber; core/server maps it to routes.
//
// Objects are the stix21 renderer's objects (renderers/stix21.Objects):
// the same identity, TLP marking and indicator bytes as a stix21 bundle,
// but for the indicator ids, which are derived from the collection id
// too. A revoked STIX id is revoked everywhere, so a shared id revoked
// by one collection (the indicator left that feed) would end it at a
// client that still gets it from another. Histories saved with shared
// ids (state format 1) keep them, and their next refresh revokes those
// still active and adds the indicators again under collection ids.
// Options that give the indicators another TLP marking add a version of
// every active indicator (remark.go); each version keeps the marking it
// was made under, and every version of an object the producer of its
// first (era.go).
//
// A Manager saves each change before it can be served (Refresh), keeps
// the previous generation of each history file, and falls back to it
// when the current one is corrupt.
//
// A refresh can be gated (ApplyGated): the caller's circuit breaker may
// hold a refresh that would revoke too much, and the collection then
// keeps what it has. A source that tells its Basis (the guard's settings
// and what MISP gave) lets the breaker tell, after a change of those
// settings, what the operator's new settings revoke from MISP answering
// less; the history keeps the Basis of its last refresh. A refresh
// held after such a change still revokes what the new settings keep out
// (RefreshUnder), and holds only the rest; what such a refresh revoked
// is carried again when the settings change back during the hold.
package taxii

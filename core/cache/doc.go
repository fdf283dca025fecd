// Package cache holds the caches used by the export layer for normalised
// snapshots and rendered artifacts.
//
// [LRU] is the one bounded in-process map: generic in key and value, bounded
// by a byte or an item budget, with expiries read from an injected clock.
// [Tier] is one kind of value at every level: a decoded copy in process (an
// LRU), an encoded copy in the shared store, one build at a time per key,
// and last good copies.
//
// Byte-level values are opaque []byte; their format and metadata belong to
// the caller. Three stores implement [Store]:
//
//   - [Memory], the embedded default: the byte-slice form of LRU, bounded by
//     a byte budget, with per-entry TTLs.
//   - [Memcached], a pooled gomemcache client for one or several servers.
//     Keys are hashed to fit memcached's key rules, large values are split
//     into chunks behind a manifest and verified by SHA-256 on read, and
//     anything missing or corrupt reads as a miss, never as a wrong value.
//     Servers named by a host name are looked up again, and followed to a
//     new address.
//   - [Backoff], a shared store that a failure takes out of use for a
//     while: the shared level being down degrades to the process-local one
//     and never fails a request.
//
// Memcached cannot list or delete keys by prefix, so group invalidation
// ("every output of this feed for this site") uses generation counters:
// [Namespace] builds keys that include the group's generation, stored in the
// shared store, and [Namespace.Bump] makes every older key unreachable.
//
// [Leaser] lets processes sharing memcached agree on who does a piece of
// work (rebuilding one list): a lease is an item added only when absent,
// expiring by itself, renewed and released by compare-and-swap only by its
// holder. [LeaserOf] finds the Leaser behind a shared store;
// [Backoff.Leaser] pauses leases with the reads after a failure.
//
// The memcachedtest subpackage starts a real memcached for tests.
package cache

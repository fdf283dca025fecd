// Package stix21 renders indicators as a STIX 2.1 bundle
// (application/stix+json;version=2.1): one identity object for the
// producer, the TLP marking-definition when the site asks for one, and one
// indicator object per input indicator, written incrementally.
//
// Output is deterministic. Every id is a UUIDv5 in the Cratos namespace,
// Namespace = uuid5(NAMESPACE_URL, "https://cratos.invalid/stix") =
// 3a9a2047-7a4f-500b-8181-6b09cb0b31f5, never the STIX SCO namespace:
//
//   - indicator id: uuid5(Namespace, type + "|" + value), type being the
//     indicator.Type name ("ipv4", "sha256", ...); in a bundle of another
//     identity_name or with a TLP marking, the name starts with
//     "producer|" + identity id + "|" and the marking id + "|"
//     (encoder.scopeIDs);
//   - identity id: uuid5(Namespace, "identity|" + identity_name);
//   - bundle id: uuid5(Namespace, N) where N joins with "\n" the word
//     "bundle", the site, the feed, the data type, the generated time
//     (RFC 3339, UTC, nanoseconds) and the hex SHA-256 of the bytes of
//     the objects array.
//
// Because the bundle id covers the content, it is written after the
// objects array: {"type":"bundle","objects":[…],"id":"bundle--…"}.
package stix21

// Package export is the use case at the heart of Cratos: from a consumer's
// request to the bytes of one list, without HTTP. It turns the route into a
// MISP query, fetches and canonicalises a snapshot of indicators, renders it
// with the named renderer into an artifact (bytes plus a strong ETag), and
// caches both — single-flighting cold builds and keeping the last good
// artifact of every feed for when MISP fails.
package export

// Package misp is the MISP REST client Cratos needs: paged
// POST /attributes/restSearch decoded as it arrives, one attribute at a
// time in a single pass (memory bounded by a small window, not by the page
// or the feed), plain GETs for version, statistics and warninglists, and one error type that says what went wrong upstream
// without ever naming the API key.
package misp

// Package misp is the MISP REST client Cratos needs: paged
// POST /attributes/restSearch decoded with fastjson (memory bounded by one
// page, not by the feed), plain GETs for version, statistics and
// warninglists, and one error type that says what went wrong upstream
// without ever naming the API key.
package misp

// Package consumers records what the devices that pull lists did last:
// per token (consumer) its last pull, per list what was last served, and
// which consumers named in a site file are late, that is have not pulled
// for three times their expect_every. It serves the console, /v1/status
// and the consumer metrics, and logs a consumer once when it falls late.
package consumers

// Package guard is the pipeline stage between canonicalisation and
// rendering that decides what never reaches a device: prefixes too wide
// to block, reserved address space, the operator's never-block lists and
// the site's own MISP host, MISP's warninglists applied again to the
// canonical values, and Snort rules whose action would switch a sensor
// off. It also holds the circuit breaker's rule for a list that suddenly
// lost most of its entries. Every refusal has a reason, so a dropped
// value is counted and can be explained.
package guard

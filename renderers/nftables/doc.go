// Package nftables renders IP indicators as an nftables script (URL
// segment "nftables") for nft -f: a table "inet cratos" holding two
// interval sets, one of ipv4_addr and one of ipv6_addr, flushed and
// refilled in the same file, so that loading it is one transaction and a
// reload never leaves a set empty or half-filled.
//
// Elements are written in numeric order, one per line; a net inside a
// listed net is left out and reported (an interval set refuses
// overlapping elements), as are duplicates and, with the size option,
// the oldest elements past the cap. Chains that match on the sets live in
// the same table, in a file of their own, and survive every reload.
package nftables

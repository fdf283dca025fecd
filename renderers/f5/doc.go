// Package f5 renders feed files for F5 BIG-IP IP Intelligence feed lists
// (AFM, and LTM with an IP Intelligence policy): one
// "address,prefix length,bl|wl,category" line per address or net, LF line
// ends and a final newline, fetched by a feed list over HTTP(S) on its
// polling interval.
//
// Addresses and nets are written in numeric order, IPv4 before IPv6,
// with the length of their prefix (32 or 128 for a single address).
// Duplicates, IPv6 when the ipv6 option is off, and lines past the
// max_entries cap (the newest are kept) are left out and reported through
// Request.Drop.
package f5

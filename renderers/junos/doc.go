// Package junos renders plain feed files for Juniper SRX dynamic
// addresses (security dynamic-address feed-server, the custom feeds of
// security intelligence): one IPv4 or IPv6 CIDR prefix per line, an
// address as a host prefix (/32, /128), LF line ends and a final newline,
// in numeric order with IPv4 first.
//
// Duplicates, IPv6 when the ipv6 option is off, and lines past the
// max_entries cap (the newest are kept) are left out and reported through
// Request.Drop.
package junos

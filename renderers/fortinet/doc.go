// Package fortinet renders FortiGate external threat feeds ("external
// connectors" of type address, domain, category and malware): plain text,
// one entry per line, LF line ends and a final newline.
//
// A file holds one feed type, picked from the request's data type or,
// failing that, from the input (the kind with the most indicators):
//
//   - address feed: addresses and CIDRs, IPv4 before IPv6 in numeric order;
//   - domain feed: a Domain gives "d" and "*.d", a Hostname "d";
//   - category feed (web filter URLs): URLs with their http or https
//     scheme (or without, by option), user info removed, non-ASCII
//     percent-encoded;
//   - malware feed: hashes of one type (the most frequent, or the hash_type
//     option), since FortiOS wants one hash length per file.
//
// The fortios option applies the caps of the FortiOS version: before
// 7.4.4 each feed holds at most 131,072 entries and 10 MiB; from 7.4.4 the
// caps are global per model, so only max_entries applies. Entries past a
// cap keep the newest; everything left out is reported through
// Request.Drop with one of the Drop* reasons.
package fortinet

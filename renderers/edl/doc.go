// Package edl renders Palo Alto Networks External Dynamic Lists: plain
// text, one entry per line, LF line ends and a final newline. It also
// serves the /v1/vendor/paloalto route.
//
// A list holds one PAN-OS list type, picked from the request's data type
// or, failing that, from the input (URL if any URL is present, else domain
// if any name is, else IP):
//
//   - IP list: addresses and CIDRs, IPv4 before IPv6 in numeric order,
//     collapsed by default into the minimal set of prefixes covering the
//     same addresses;
//   - domain list: a Domain gives "d" and "*.d" (PAN-OS "*.d" does not
//     match d itself), a Hostname gives "d";
//   - URL list: the scheme and any user info removed, "/" appended to a
//     bare host; a Domain gives "d/" and "*.d/", a Hostname "d/", an IPv4
//     address "a.b.c.d/".
//
// Entries the list cannot carry are left out and reported through
// Request.Drop with one of the Drop* reasons; so are entries past the
// max_entries cap, which keeps the newest entries.
package edl

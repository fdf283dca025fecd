// Package suricata renders indicators as Suricata 7 rules (URL segment
// "suricata").
//
// Each indicator kind becomes the rule shapes that Suricata 7 loads:
// grouped IP lists in the rule header (one rule per direction), DNS, TLS
// SNI and HTTP Host rules for names, HTTP host and URI rules for URLs,
// file hash rules that read list files, JA3 hash rules, SMTP envelope
// rules that match an e-mail address exactly (a pcre on the MAIL FROM and
// RCPT TO lines), and single-line Snort rules passed through.
//
// # SIDs
//
// A rule's SID is base + (h >> (64-bits)), where base is the sid_base
// option, bits the sid_bits option (26 by default, at most 31) and h the
// 64-bit FNV-1a hash of the indicator value (for an IP group: its first
// member), the indicator type name and the rule variant (the msg kind,
// such as "domain-dns"), separated by zero bytes. A SID therefore stays the
// same across builds as long as its indicator is listed. When two rules of
// one output hash to the same slot, the one written later takes the next
// free slot (wrapping at 2^bits), so a colliding rule's SID can change when
// the rule it collided with comes or goes; with n rules the chance that a
// given rule collides is about n/2^bits.
//
// # IP groups
//
// IP addresses and nets are grouped into header lists of at most
// ip_group_size members and under 8192 bytes per rule line. Group
// boundaries are content-defined: a group ends after a member whose hash is
// 0 modulo ip_group_size/3, or when it is full. Adding or removing one IP
// therefore changes only the group it belongs to, not every group after it.
// A group's SIDs derive from its first member and its list (site, feed,
// data type and age), so two lists' groups starting at one address differ.
package suricata

// Package squid renders indicators as a Squid ACL file (URL segment
// "squid"), one value per line, for an acl line such as
//
//	acl cratos_domains dstdomain "/etc/squid/cratos-domains.txt"
//
// The list kind follows the route's data type (or the first indicator, or
// the option acl):
//
//   - dstdomain: a Domain is written ".d" (the name and its subdomains), a
//     Hostname "d". Entries covered by a listed Domain are left out and
//     reported, so no two entries overlap in any order; Squid up to 6
//     refuses overlapping entries depending on their order.
//   - dst: addresses and nets, collapsed to the fewest prefixes covering
//     the same addresses (contained entries dropped, adjacent ones merged);
//     Squid silently ignores a prefix listed after an address inside it.
//   - url_regex: an anchored POSIX extended regular expression per URL,
//     metacharacters escaped, matching the URL and every URL that starts
//     with it; a URL without a scheme matches http and https.
package squid

// Package haproxy renders indicators as an HAProxy pattern file (URL
// segment "haproxy"), one pattern per line, for an ACL that reads it
// with -f:
//
//   - ip: addresses and nets, for "acl bad src -f file";
//   - dom: names, for "-m dom" on the Host header or the TLS SNI
//     (req.ssl_sni): the name and its subdomains;
//   - end: names with a dot in front, for "-m end" on a dot-prefixed host:
//     the name and its subdomains, and nothing else.
//
// The list kind follows the route's data type (IP data types: ip; domain
// and hostname: dom), else the first indicator, unless the option list
// names it. Every name, Domain or Hostname, stands for itself and its
// subdomains; names under a listed name, duplicates and names that are
// not plain DNS names are left out and reported.
package haproxy

// Package dnsmasq renders DNS names as a dnsmasq configuration file (URL
// segment "dnsmasq") for conf-file= or /etc/dnsmasq.d, which Pi-hole reads
// too: one line per name,
//
//	address=/bad.example/
//
// dnsmasq matches such a line for the name and all of its subdomains, so
// every name, Domain or Hostname, blocks itself and its subdomains; a
// name under a listed name is left out and reported, as are duplicates
// and names that are not plain DNS names (a '/' or '#' would change what
// the line means). The mode option picks NXDOMAIN (address=/d/), a
// sinkhole address (address=/d/0.0.0.0 and address=/d/::) or
// local=/d/.
package dnsmasq

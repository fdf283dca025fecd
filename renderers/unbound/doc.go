// Package unbound renders DNS names as an Unbound configuration file
// (URL segment "unbound") for include: — one local-zone per name:
//
//	server:
//	local-zone: "bad.example." always_nxdomain
//
// A local zone covers the name and all of its subdomains, so every name,
// Domain or Hostname, blocks itself and its subdomains; a name under a
// listed name is left out and reported, as are duplicates and names that
// are not plain DNS names (which could not be quoted safely). The policy
// option picks always_nxdomain, always_refuse or redirect to a sinkhole
// address given by local-data records.
package unbound

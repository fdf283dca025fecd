// Package dnsprimary serves zones, typically response policy zones, to DNS
// secondaries by zone transfer: an authoritative primary inside the
// service.
//
// Each Zone gets its master-file text from a Source (the output of the
// rpz renderer). The server parses it, keeps every record but the SOA as
// the zone's content and owns the serial: a build whose content differs
// from the served one gets serial max(current+1, unix time) in RFC 1982
// arithmetic, a journal entry (records removed and added) and a NOTIFY to
// every configured secondary; a build with equal content changes nothing.
// When the Source fails, the zone keeps its last content and serial, so a
// secondary never receives an empty zone because the source was down.
//
// The server answers SOA and other queries for names in its zones
// authoritatively (with wildcard synthesis and NXDOMAIN/NODATA), AXFR
// over TCP in messages of bounded size, and IXFR: incrementally from a
// serial still in the journal, as a full transfer otherwise, and with the
// lone current SOA when the client is current; an IXFR from a secondary
// whose serial is ahead moves the serial past it and sends the whole
// zone. Transfers are allowed only from Zone.AllowTransfer and, when
// Zone.TSIG is set, only when signed with that key. Queries for other
// zones are refused.
//
// README.md shows how BIND, Unbound and PowerDNS secondaries are
// configured against it.
package dnsprimary

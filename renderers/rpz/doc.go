// Package rpz renders indicators as a BIND response policy zone (URL
// segment "rpz"): a master file with $TTL, an apex SOA and NS, and one
// CNAME policy record per trigger.
//
// A Domain gives the owners "d" and "*.d", a Hostname "d", an address or
// net an rpz-ip owner in canonical form (masked, IPv6 in RFC 5952 form
// reversed word-wise with "zz"). Owners are relative, so the file loads
// under any zone name. Names that cannot be written unescaped or that
// would exceed 255 octets in wire form once the origin is appended are
// left out and reported (a Domain whose "*.d" alone is too long keeps
// "d"); the origin option tells the renderer the zone name, and without
// it the budget assumes a 63-octet origin.
//
// # Serial
//
// The renderer is pure, so it cannot know whether the content changed
// since the last build. The caller that serves the zone (the export layer)
// tracks a content digest and passes a serial that grows exactly when the
// digest changes as renderers.Request.Serial. A site may fix the serial
// with the option "serial" (1..4294967295), which wins. Without either the
// serial is FallbackSerial(req.Generated), the unix time of the snapshot,
// which grows with every build.
//
// # Structured records
//
// Records returns the same zone as []Record for a zone-transfer server, so
// it need not parse the master file.
package rpz

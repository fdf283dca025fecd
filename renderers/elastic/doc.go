// Package elastic renders indicators as Elastic Common Schema threat
// intelligence documents: NDJSON, one JSON object per line, with
// event.kind "enrichment", event.category ["threat"], event.type
// ["indicator"] and the indicator under threat.indicator.* (type, ip,
// url.*, file.hash.*, file.pe.imphash, email.address, modified_at,
// last_seen, provider, description, reference, marking.tlp), ready for
// the Elasticsearch bulk API or a Filebeat/Elastic Agent input feeding
// the threat intelligence indices that indicator match rules read.
//
// @timestamp is Request.Generated. IP nets are left out (threat.indicator
// .ip holds one address) and reported through Request.Drop, as are
// values that are not valid UTF-8, which a JSON string cannot carry
// unchanged.
package elastic

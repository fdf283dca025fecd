// Package stixschema validates STIX 2.1 output: every object against its
// own OASIS JSON schema (draft 2020-12), the bundle against bundle.json,
// STIX patterns against the patterning grammar, and the rules the schemas
// cannot express (unique ids, modified not before created, references that
// resolve within the bundle).
//
// The schemas are read at run time from a local copy of the OASIS
// cti-stix2-json-schemas repository (Load); each schema's $id URL is mapped
// to its file, so nothing is fetched over the network.
package stixschema

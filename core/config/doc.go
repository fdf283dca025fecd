// Package config loads the original service's configuration files
// unchanged — config/config.yaml, the optional config/mappings.yaml and one
// sites/<fqdn>.yaml per MISP instance — plus the keys Cratos adds.
//
// Decoding is strict: an unknown key, a value of the wrong type or a bad
// CIDR is reported as "file:line: what is wrong" and the file is refused.
// Sites can be reloaded at run time; a broken site file keeps the previous
// good version of that site.
package config

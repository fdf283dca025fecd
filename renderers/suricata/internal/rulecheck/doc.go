// Package rulecheck decides whether a Snort or Suricata rule passed
// through from MISP loads in Suricata 7. One rule Suricata refuses makes
// suricata -T, and so suricata-update, reject the sensor's whole ruleset:
// Check returns the reason such a rule is left out, and StateRefs the
// state variables a rule names, which the renderer renames.
//
// The checks read a rule as Suricata 7.0 and PCRE2 10.42 read it; each
// file holds the checks of one part of a rule. Their tests run the real
// Suricata where it is installed.
package rulecheck

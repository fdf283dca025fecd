// Package realtools runs the real consumers of Cratos outputs — BIND,
// Suricata, Squid, Unbound, dnsmasq and HAProxy — on temporary files and
// loopback ports, loads nftables and ipset lists in network namespaces of
// their own, and checks Zeek intel files with a Go reader of the same
// format, so that tests can prove an output loads with zero errors.
//
// Each function needs its program: testtool.Require skips the test
// outside CI when it is missing and fails it under CI. A function returns
// nil when the tool loaded the input without any error or warning about
// it, and otherwise an error quoting what the tool printed. It fails the
// test only when the tool itself cannot be run.
package realtools

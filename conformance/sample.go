package conformance

import (
	"github.com/cratos-project/cratos/conformance/internal/harness"
	"github.com/cratos-project/cratos/core/indicator"
)

// Sample returns a fixed, canonical input holding every indicator type,
// with the values that break output formats: internationalised names
// (A-labels), '_' labels, 63-octet labels, a 253-octet name, URLs with
// single quotes, pipes, semicolons, a backslash in a query, '&' and
// percent-escapes (of double quotes, '<' and non-ASCII paths, as sent),
// compressed and NAT64 IPv6, nets of several sizes including /32 in cidr4,
// multi-line YARA, Sigma and Snort rules, and free text that looks like
// YAML (yes, null, ~, 1.0, leading '-', ':' or '#'), carries XML specials,
// quotes, tabs, control characters or astral-plane characters.
//
// It is built the way the service builds its input: raw MISP values
// (host-bit CIDRs, mixed-case and zoned IPv6, trailing dots, defanged
// values, upper-case hashes, display-name e-mails, some invalid ones) go
// through the indicator.Extractor of every data type asking for their MISP
// type, and the union is Normalized. IPv4 nets of /30 and longer are
// expanded as ipv4ext does, wider ones kept. Every call returns a new slice.
func Sample() []indicator.Indicator { return harness.Sample() }

// SampleAttribute is one raw MISP value Sample is built from: its MISP
// attribute Type and its Value as MISP would store it.
type SampleAttribute = harness.SampleAttribute

// SampleAttributes returns the raw values Sample is built from, including
// the invalid ones the extractors drop.
func SampleAttributes() []SampleAttribute { return harness.SampleAttributes() }

// Generated returns n distinct canonical indicators of every type, in
// canonical order (indicator.Normalize), built deterministically from seed:
// the same (n, seed) always gives the same slice. The mix follows a typical
// blocklist feed (mostly addresses, names, URLs and hashes; a few rules and
// free-text values), and every indicator carries plausible MISP context
// (type, category, UUID, event id, timestamp, to_ids).
//
// Generated(1_000_000, 1) builds in about a second; it is meant for
// benchmarks and for tests when the shared real data is absent.
func Generated(n int, seed int64) []indicator.Indicator {
	return harness.Generate(n, seed, indicator.SetOf(indicator.AllTypes()...))
}

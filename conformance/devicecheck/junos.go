package devicecheck

import "strings"

// JunosLimits caps an SRX feed file; zero means no cap.
type JunosLimits struct {
	MaxEntries int
}

// CheckJunos checks a plain feed file for a Juniper SRX dynamic address
// (security dynamic-address feed-server): one IPv4 or IPv6 CIDR prefix
// without host bits per line, an address written as a host prefix (/32,
// /128). That is the form every source we found accepts: a feed tested on
// an SRX writes prefixes only, and its authors report that the SRX takes
// CIDR notation only, where another source also lists bare addresses and
// a-b ranges; so those two are refused. The documents we read show no
// comment syntax, so none is allowed. It also applies the file rules
// every list served by Cratos keeps (see the package comment) and the
// entry cap.
func CheckJunos(data []byte, lim JunosLimits) []Violation {
	return checkEntries(data, lim.MaxEntries, checkJunosEntry)
}

// checkJunosEntry is checkIPEntry restricted to CIDR prefixes.
func checkJunosEntry(e string) string {
	if rule := checkIPEntry(e); rule != "" {
		return rule
	}
	switch {
	case strings.Contains(e, "-"):
		return "range, not a CIDR prefix"
	case !strings.Contains(e, "/"):
		return "address without a prefix length (want /32 or /128)"
	}
	return ""
}

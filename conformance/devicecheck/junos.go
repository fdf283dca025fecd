package devicecheck

import "fmt"

// JunosLimits caps an SRX feed file; zero means no cap.
type JunosLimits struct {
	MaxEntries int
}

// CheckJunos checks a plain feed file for a Juniper SRX dynamic address
// (security dynamic-address feed-server): one IPv4 or IPv6 address, CIDR
// prefix without host bits, or a-b range in one family per line, as
// Juniper documents the objects a dynamic address holds. The documents we
// read show no comment syntax, so none is allowed. It also applies the
// file rules every list served by Cratos keeps (see the package comment)
// and the entry cap.
func CheckJunos(data []byte, lim JunosLimits) []Violation {
	lines, vs := checkFile(data, false)
	for _, l := range lines {
		if rule := checkIPEntry(l.text); rule != "" {
			vs = append(vs, Violation{l.n, l.text, rule})
		}
	}
	if lim.MaxEntries > 0 && len(lines) > lim.MaxEntries {
		vs = append(vs, Violation{Rule: fmt.Sprintf("%d entries, over the cap of %d", len(lines), lim.MaxEntries)})
	}
	return vs
}

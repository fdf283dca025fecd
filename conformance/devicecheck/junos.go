package devicecheck

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
	return checkEntries(data, lim.MaxEntries, checkIPEntry)
}

package guard

import "golang.org/x/net/publicsuffix"

// publicSuffix refuses a name that is a public suffix of the ICANN section
// of the Public Suffix List (com, co.uk, k12.ca.us): where a name blocks
// its subdomains, it would block every name registered under it, and no
// registry is itself an indicator. Suffixes of the private section
// (duckdns.org, github.io) are names their owners hand out, and pass.
func publicSuffix(name string) (Verdict, bool) {
	suffix, icann := publicsuffix.PublicSuffix(name)
	if icann && suffix == name {
		return Verdict{RulePublicSuffix, name + " is a public suffix (ICANN section of the Public Suffix List)"}, true
	}
	return Verdict{}, false
}

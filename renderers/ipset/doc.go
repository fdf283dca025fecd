// Package ipset renders IP indicators as ipset restore input (URL segment
// "ipset"): for each address family a hash:net set, filled under a
// temporary name and swapped with the live set, so a reload never leaves
// the live set empty or half-filled, and a list that fails to load leaves
// the live set as it was.
//
// Set names are <prefix>-v4 and <prefix>-v6 (prefix cratos-<feed> by
// default), the temporary sets <name>-new. maxelem is fixed by an option
// because the kernel refuses "create … -exist" for a set whose maxelem
// differs; hashsize is sized from the count. Entries past maxelem (the
// oldest), prefixes of length 0 (hash:net cannot hold them) and
// duplicates are left out and reported.
package ipset

package devicecheck

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// F5Limits caps an F5 feed file; zero means no cap.
type F5Limits struct {
	MaxEntries int
}

var f5Category = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,62}$`)

// CheckF5 checks a feed file for a BIG-IP IP Intelligence feed list, as
// F5 documents it (AFM "About feed lists and feed files"): one entry per
// line of up to four comma-separated fields, of which only the first is
// required:
//
//   - an IPv4 or IPv6 address, without a prefix or zone;
//   - the network mask as a prefix length (0-32, 0-128), or empty; the
//     address has no bits set past it;
//   - "bl" (blacklist), "wl" (whitelist) or empty;
//   - a category name (a BIG-IP object name) or empty.
//
// It also applies the file rules every list served by Cratos keeps (see
// the package comment); the documents show no comment syntax, so none is
// allowed.
func CheckF5(data []byte, lim F5Limits) []Violation {
	return checkEntries(data, lim.MaxEntries, checkF5Entry)
}

func checkF5Entry(e string) string {
	f := strings.Split(e, ",")
	if len(f) > 4 {
		return fmt.Sprintf("%d fields, at most 4", len(f))
	}
	for len(f) < 4 {
		f = append(f, "")
	}
	if strings.ContainsAny(f[0], "/%") {
		return "address field holds a prefix or zone (the mask goes in field 2)"
	}
	a, err := netip.ParseAddr(f[0])
	if err != nil {
		return "not an IP address"
	}
	if f[1] != "" {
		bits, err := strconv.Atoi(f[1])
		switch {
		case err != nil || bits < 0 || bits > a.BitLen() || (len(f[1]) > 1 && f[1][0] == '0') || f[1][0] == '+':
			return "bad mask " + quote(f[1]) + fmt.Sprintf(" (a prefix length 0-%d)", a.BitLen())
		case netip.PrefixFrom(a, bits).Masked().Addr() != a:
			return "host bits set past the mask"
		}
	}
	switch {
	case f[2] != "" && f[2] != "bl" && f[2] != "wl":
		return "list type " + quote(f[2]) + " is not bl or wl"
	case f[3] != "" && !f5Category.MatchString(f[3]):
		return "bad category name " + quote(f[3])
	}
	return ""
}

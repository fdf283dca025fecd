// The rule header: action, protocol, address and port groups.

package rulecheck

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// ruleProtocols are the protocols a rule header may name that a stock
// Suricata 7 configuration loads: the packet protocols and the
// application layer parsers enabled by default (modbus, dnp3, enip and
// pgsql are off in the shipped suricata.yaml, and "ssl" is refused).
var ruleProtocols = wordSet(`
ip tcp udp icmp icmpv4 icmpv6 ipv4 ip4 ipv6 ip6 sctp pkthdr tcp-pkt
tcp-stream http http1 http2 ftp ftp-data tls smb dcerpc dns smtp imap ssh
nfs ntp tftp ike ikev2 krb5 dhcp snmp sip rfb mqtt telnet rdp quic
bittorrent-dht`)

// addressVars and portVars are the variables of the shipped suricata.yaml
// with their values there; a rule naming any other variable does not
// load on a stock configuration.
var (
	addressVars = map[string]string{
		"HOME_NET":       "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]",
		"EXTERNAL_NET":   "!$HOME_NET",
		"HTTP_SERVERS":   "$HOME_NET",
		"SMTP_SERVERS":   "$HOME_NET",
		"SQL_SERVERS":    "$HOME_NET",
		"DNS_SERVERS":    "$HOME_NET",
		"TELNET_SERVERS": "$HOME_NET",
		"AIM_SERVERS":    "$EXTERNAL_NET",
		"DC_SERVERS":     "$HOME_NET",
		"DNP3_SERVER":    "$HOME_NET",
		"DNP3_CLIENT":    "$HOME_NET",
		"MODBUS_CLIENT":  "$HOME_NET",
		"MODBUS_SERVER":  "$HOME_NET",
		"ENIP_CLIENT":    "$HOME_NET",
		"ENIP_SERVER":    "$HOME_NET",
	}
	portVars = map[string]string{
		"HTTP_PORTS":      "80",
		"SHELLCODE_PORTS": "!80",
		"ORACLE_PORTS":    "1521",
		"SSH_PORTS":       "22",
		"DNP3_PORTS":      "20000",
		"MODBUS_PORTS":    "502",
		"FILE_DATA_PORTS": "[$HTTP_PORTS,110,143]",
		"FTP_PORTS":       "21",
		"GENEVE_PORTS":    "6081",
		"VXLAN_PORTS":     "4789",
		"TEREDO_PORTS":    "3544",
	}
)

// checkHeader checks the fields of a rule header (action, protocol,
// source, source port, direction, destination, destination port) and
// returns why Suricata would refuse them, or "".
func checkHeader(head []string) string {
	if len(head) != 7 || !ruleActions[head[0]] || (head[4] != "->" && head[4] != "<>") {
		return "snort rule with a malformed header"
	}
	if !ruleProtocols[strings.ToLower(head[1])] {
		return "snort rule with a protocol a stock Suricata does not load"
	}
	for _, a := range []string{head[2], head[5]} {
		if !validGroup(a, addressSpace) {
			return "snort rule with an invalid address"
		}
	}
	for _, p := range []string{head[3], head[6]} {
		if !validGroup(p, portSpace) {
			return "snort rule with an invalid port"
		}
	}
	return ""
}

// A span is an inclusive range of addresses; ports are mapped to the
// IPv4 addresses 0.0.0.0-0.0.255.255 so that one range type serves both.
type span struct{ lo, hi netip.Addr }

// A space describes what a header field holds: its variables, how one
// element reads, and the ranges that make "any" for each family.
type space struct {
	vars   map[string]string
	single func(string) (span, bool)
	all    []span
}

var (
	addressSpace = space{vars: addressVars, single: addressSpan, all: []span{
		{netip.IPv4Unspecified(), netip.AddrFrom4([4]byte{255, 255, 255, 255})},
		{netip.IPv6Unspecified(), netip.AddrFrom16([16]byte{0: 255, 1: 255, 2: 255, 3: 255, 4: 255, 5: 255, 6: 255, 7: 255, 8: 255, 9: 255, 10: 255, 11: 255, 12: 255, 13: 255, 14: 255, 15: 255})},
	}}
	portSpace = space{vars: portVars, single: portSpan, all: []span{
		{portAddr(0), portAddr(65535)},
	}}
)

// validGroup reads an address or port expression as Suricata does, with
// the stock variables: "any" (in any case, as Suricata compares it), or
// an optionally negated variable, single value or bracketed,
// comma-separated list of expressions (which may nest). For each family, negated ranges are taken out of the positive
// ones (of everything when there are none); an expression that leaves
// nothing, "!any", an empty list or an unknown variable is refused.
func validGroup(s string, sp space) bool {
	if strings.EqualFold(s, "any") {
		return true
	}
	var g group
	rest, ok := g.parse(s, sp, false, 0)
	return ok && rest == "" && g.nonEmpty(sp)
}

// maxGroupDepth bounds list and variable nesting.
const maxGroupDepth = 8

// A group collects the positive and negated ranges of an expression.
type group struct{ pos, neg []span }

// parse reads one expression from the front of s, negated or not, and
// returns what follows it.
func (g *group) parse(s string, sp space, negated bool, depth int) (string, bool) {
	if depth > maxGroupDepth {
		return "", false
	}
	if t, ok := strings.CutPrefix(s, "!"); ok {
		s, negated = t, !negated
	}
	if strings.HasPrefix(s, "[") {
		s = s[1:]
		for {
			var ok bool
			if s, ok = g.parse(s, sp, negated, depth+1); !ok {
				return "", false
			}
			switch {
			case strings.HasPrefix(s, ","):
				s = s[1:]
			case strings.HasPrefix(s, "]"):
				return s[1:], true
			default:
				return "", false
			}
		}
	}
	end := strings.IndexAny(s, ",]")
	if end < 0 {
		end = len(s)
	}
	item, rest := s[:end], s[end:]
	if name, ok := strings.CutPrefix(item, "$"); ok {
		value, known := sp.vars[name]
		if !known {
			return "", false
		}
		tail, ok := g.parse(value, sp, negated, depth+1)
		return rest, ok && tail == ""
	}
	if strings.EqualFold(item, "any") {
		if negated {
			return "", false
		}
		g.pos = append(g.pos, sp.all...)
		return rest, true
	}
	r, ok := sp.single(item)
	if !ok {
		return "", false
	}
	if negated {
		g.neg = append(g.neg, r)
	} else {
		g.pos = append(g.pos, r)
	}
	return rest, true
}

// nonEmpty reports whether anything is left once the negated ranges are
// taken out, family by family.
func (g *group) nonEmpty(sp space) bool {
	for _, family := range sp.all {
		pos, neg := inFamily(g.pos, family), merge(inFamily(g.neg, family))
		if len(pos) == 0 && len(neg) > 0 {
			pos = []span{family}
		}
		for _, p := range pos {
			if !covered(p, neg) {
				return true
			}
		}
	}
	return false
}

// inFamily returns the spans lying in family.
func inFamily(spans []span, family span) []span {
	var out []span
	for _, s := range spans {
		if s.lo.Compare(family.lo) >= 0 && s.hi.Compare(family.hi) <= 0 {
			out = append(out, s)
		}
	}
	return out
}

// merge sorts spans and joins those that overlap or touch.
func merge(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int { return a.lo.Compare(b.lo) })
	var out []span
	for _, s := range spans {
		if n := len(out); n > 0 {
			last := &out[n-1]
			if after := last.hi.Next(); !after.IsValid() || s.lo.Compare(after) <= 0 {
				if s.hi.Compare(last.hi) > 0 {
					last.hi = s.hi
				}
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

// covered reports whether the merged spans leave no part of p.
func covered(p span, merged []span) bool {
	i, _ := slices.BinarySearchFunc(merged, p.lo, func(s span, a netip.Addr) int { return s.lo.Compare(a) })
	if i == len(merged) || merged[i].lo != p.lo {
		i--
	}
	return i >= 0 && merged[i].hi.Compare(p.hi) >= 0
}

// addressSpan reads an IP address, a prefix, or a range "a-b" of two
// addresses of one family in order. Zones and IPv4-mapped IPv6 addresses
// are refused.
func addressSpan(s string) (span, bool) {
	if lo, hi, ok := strings.Cut(s, "-"); ok {
		a, errA := netip.ParseAddr(lo)
		b, errB := netip.ParseAddr(hi)
		ok := errA == nil && errB == nil && plainAddr(a) && plainAddr(b) && a.Is4() == b.Is4() && a.Compare(b) <= 0
		return span{a, b}, ok
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil || !plainAddr(p.Addr()) {
			return span{}, false
		}
		p = p.Masked()
		return span{p.Addr(), lastAddr(p)}, true
	}
	a, err := netip.ParseAddr(s)
	return span{a, a}, err == nil && plainAddr(a)
}

// plainAddr refuses the address forms Suricata does not read: zones and
// IPv4-mapped IPv6 addresses.
func plainAddr(a netip.Addr) bool {
	return a.Zone() == "" && !a.Is4In6()
}

// lastAddr returns the highest address of a masked prefix.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// portSpan reads a port, "a:b" with a ≤ b, "a:" or ":b", ports 0-65535.
func portSpan(s string) (span, bool) {
	lo, hi, isRange := strings.Cut(s, ":")
	if !isRange {
		hi = lo
	}
	if lo == "" && hi == "" {
		return span{}, false
	}
	a, okA := portNumber(lo, 0)
	b, okB := portNumber(hi, 65535)
	return span{portAddr(a), portAddr(b)}, okA && okB && a <= b
}

// portNumber reads a decimal port, or returns def for an empty string.
func portNumber(s string, def uint16) (uint16, bool) {
	if s == "" {
		return def, true
	}
	if len(s) > 5 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 16)
	return uint16(n), err == nil
}

func portAddr(p uint16) netip.Addr {
	return netip.AddrFrom4([4]byte{2: byte(p >> 8), 3: byte(p)})
}

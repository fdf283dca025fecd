// Per-keyword values (ip_proto, dcerpc.opnum, dcerpc.iface, integer comparisons) and
// rules on which keywords go together.

package rulecheck

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ipProtoNames are protocol names ip_proto reads: Suricata 7 looks them
// up in a table of its own, case-sensitive, not in /etc/protocols; these
// are the ones rules use, in each spelling the table has.
var ipProtoNames = wordSet(`ip HOPOPT icmp ICMP igmp IGMP tcp TCP udp UDP
IPv6 ipV6 gre GRE esp ESP ah AH ipv6-icmp IPv6-ICMP ospf OSPF pim vrrp sctp SCTP`)

// appLayerProtocols are the protocols app-layer-protocol reads: those
// the shipped suricata.yaml enables, and "failed".
var appLayerProtocols = wordSet(`http http1 http2 tls dns smb dcerpc ftp ftp-data
smtp ssh imap krb5 dhcp snmp sip rfb mqtt nfs tftp ntp ike ikev2 quic rdp
bittorrent-dht pgsql telnet failed`)

// ipProtoHeaders are the header protocols ip_proto loads with.
var ipProtoHeaders = wordSet(`ip ipv4 ip4 ipv6 ip6`)

// keywordCheckers read the values of the keywords whose every use
// Suricata 7 checks alone (the rule-wide checks are in checkKeywordRules).
var keywordCheckers = map[string]func(string) bool{
	"ip_proto": func(v string) bool { _, _, ok := parseIPProto(v); return ok },
	"app-layer-protocol": func(v string) bool {
		return appLayerProtocols[strings.TrimSpace(strings.TrimPrefix(unquote(v), "!"))]
	},
	"icmpv6.mtu": uintOf(1<<32 - 1), "tls.cert_chain_len": uintOf(1<<32 - 1),
	"flow.age": uintOf(1<<32 - 1), "nfs.version": uintOf(1<<32 - 1),
	"dns.opcode":   numberAfter(`^ *!? *(\d+) *$`, 255),
	"dcerpc.opnum": validOpnums,
	"dcerpc.iface": validIface,
	"ipopts": func(v string) bool {
		return slices.Contains(ipOptions, strings.ToLower(strings.TrimSpace(v)))
	},
}

// ipOptions are the IP options ipopts reads, in any case.
var ipOptions = []string{"rr", "eol", "nop", "ts", "sec", "esec", "lsrr", "ssrr", "satid", "any"}

// uintRE is Suricata 7's integer comparison (detect_parse_uint in
// rust/src/detect/uint.rs): "a-b" or "a<>b" with a number between them,
// "[=]n" with perhaps a unit (kb, mb, gb), or an operator and n.
var uintRE = regexp.MustCompile(`^ *(?:(\d+) *(?:-|<>) *(\d+)|=? *(\d+)((?i:[kmg]b))?|(>=|<=|>|<|!=|!) *(\d+)) *$`)

// uintCmp is an integer comparison as Suricata 7 reads it.
type uintCmp struct {
	op   string // "=", "!", "<", "<=", ">", ">=", or "-" for a range
	a, b uint64
}

// uintUnits are the multipliers of the units a plain number may carry.
var uintUnits = map[string]uint64{"kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30}

// parseUint reads an integer comparison of numbers up to max, as
// Suricata 7 reads it: a range needs a number between its ends, and an
// operator that would match every number or none ("<0", ">=0", "<=max",
// ">max") is refused.
func parseUint(v string, max uint64) (uintCmp, bool) {
	m := uintRE.FindStringSubmatch(v)
	if m == nil {
		return uintCmp{}, false
	}
	for _, s := range []string{m[1], m[2], m[3], m[6]} {
		if s != "" && !isUint(s, max) {
			return uintCmp{}, false
		}
	}
	switch {
	case m[1] != "":
		c := uintCmp{"-", mustUint(m[1]), mustUint(m[2])}
		return c, c.b > c.a && c.b-c.a > 1
	case m[3] != "":
		c := uintCmp{op: "=", a: mustUint(m[3])}
		if u := uintUnits[strings.ToLower(m[4])]; u != 0 && c.a != 0 {
			if c.a > max/u {
				return uintCmp{}, false
			}
			c.a *= u
		}
		return c, true
	}
	c := uintCmp{op: strings.TrimSuffix(m[5], "="), a: mustUint(m[6])}
	if m[5] == "<=" || m[5] == ">=" {
		c.op = m[5]
	}
	switch c.op {
	case "<", ">=":
		return c, c.a > 0
	case ">", "<=":
		return c, c.a < max
	}
	return c, true
}

// uintOf returns a checker of the integer comparisons of numbers up to max.
func uintOf(max uint64) func(string) bool {
	return func(v string) bool { return validRange(v, max) }
}

// validOpnums reads dcerpc.opnum: numbers and ranges "a-b" (a ≤ b) of 32
// bits, separated by commas with no space.
func validOpnums(v string) bool {
	for _, part := range strings.Split(strings.TrimSpace(v), ",") {
		a, b, isRange := strings.Cut(part, "-")
		if !isUint32(a) || isRange && (!isUint32(b) || mustUint(b) < mustUint(a)) {
			return false
		}
	}
	return true
}

// ifaceUUIDRE is an interface UUID in the hyphenated form the uuid crate
// Suricata 7 builds with reads.
var ifaceUUIDRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// validIface reads dcerpc.iface as Suricata 7 does (parse_iface_data in
// rust/src/dcerpc/detect.rs): a UUID, then perhaps an integer comparison
// of the 16-bit interface version, then perhaps any_frag, split at commas
// with no space.
func validIface(v string) bool {
	parts := strings.Split(v, ",")
	if len(parts) > 3 || !ifaceUUIDRE.MatchString(parts[0]) {
		return false
	}
	if len(parts) == 3 && parts[2] != "any_frag" {
		return false
	}
	return len(parts) == 1 || len(parts) == 2 && parts[1] == "any_frag" || validRange(parts[1], 1<<16-1)
}

// mustUint returns the decimal number s, already checked.
func mustUint(s string) uint64 {
	n, _ := strconv.ParseUint(s, 10, 64)
	return n
}

// unquote returns v trimmed, without the quotes around it.
func unquote(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = strings.TrimSpace(v[1 : len(v)-1])
	}
	return v
}

// parseIPProto reads an ip_proto value, "[!<>] proto", proto a number up
// to 255 or a name of ipProtoNames; it returns the operator ('=' for
// none) and the protocol number (-1 for a name).
func parseIPProto(v string) (op byte, proto int, ok bool) {
	v, op = unquote(v), '='
	if v != "" && strings.IndexByte("!<>", v[0]) >= 0 {
		op, v = v[0], strings.TrimLeft(v[1:], " \t")
	}
	if v == "" || strings.ContainsAny(v, " \t") {
		return 0, 0, false
	}
	if v[0] < '0' || v[0] > '9' {
		return op, -1, ipProtoNames[v]
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		if n = n*10 + int(c-'0'); n > 255 {
			return 0, 0, false
		}
	}
	return op, n, true
}

// checkKeywordRules returns why Suricata 7 would refuse a rule of header
// protocol proto for how its ip_proto and app-layer-protocol options go
// together, or "": ip_proto only with an ip header and, repeated, no
// plain one, one operator each, "<" above ">"; app-layer-protocol only
// with a packet header and before any keyword that sets the protocol,
// repeated only negated, each once.
func checkKeywordRules(proto string, opts []ruleOption) string {
	proto = strings.ToLower(proto)
	var (
		ops       = map[byte]int{} // the number of each operator used
		protoSet  = headerProtocol(proto) != ""
		appProtos []string
	)
	for _, o := range opts {
		switch n := o.name; n {
		case "ip_proto":
			op, num, _ := parseIPProto(o.value)
			_, eq := ops['=']
			_, again := ops[op]
			if !ipProtoHeaders[proto] || eq || op == '=' && len(ops) > 0 || op != '!' && again {
				return DropOptionValue
			}
			lt, hasLT := ops['<']
			gt, hasGT := ops['>']
			switch {
			case op == '<' && hasGT:
				lt = num
			case op == '>' && hasLT:
				gt = num
			}
			if (op == '<' && hasGT || op == '>' && hasLT) && (lt < 0 || gt < 0 || lt <= gt) {
				return DropOptionValue // a name's number is not known here
			}
			ops[op] = num
		case "app-layer-protocol":
			v := unquote(o.value)
			if protoSet || len(appProtos) > 0 && (!strings.HasPrefix(v, "!") || slices.Contains(appProtos, v)) ||
				slices.ContainsFunc(appProtos, func(p string) bool { return !strings.HasPrefix(p, "!") }) {
				return DropOptionValue
			}
			appProtos = append(appProtos, strings.ReplaceAll(v, " ", ""))
		default:
			protoSet = protoSet || setsProtocol(o)
		}
	}
	return ""
}

// setsProtocol reports whether option o may set the rule's application
// protocol, after which Suricata 7 refuses app-layer-protocol: a keyword
// of one, a sticky buffer, a file keyword, a Snort 2 HTTP modifier, a
// pcre HTTP flag or a DCE byte keyword.
func setsProtocol(o ruleOption) bool {
	n := o.name
	return keywordProtocols[n] != "" || stickyBuffer(n) || fileKeywords[n] || httpModifiers[n] ||
		n == "uricontent" || n == "pcre" && pcreHTTPFlag(o.value) ||
		strings.HasPrefix(n, "byte_") && slices.Contains(splitArgs(strings.ToLower(o.value)), "dce")
}

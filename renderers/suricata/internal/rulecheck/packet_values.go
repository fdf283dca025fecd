// Packet keyword values (tcp flags, window, tos) and ssl_state,
// ssl_version and TLS keyword rules.

package rulecheck

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// valueCheckers read the values of the packet, stream and TLS keywords
// as Suricata 7's Setup functions read them (detect-tcp-flags.c,
// detect-tcp-ack.c, detect-fragbits.c, detect-ssl-state.c, ...). A value
// one refuses does not load; one it passes does.
var valueCheckers = map[string]func(string) bool{
	"flags": validTCPFlags, "tcp.flags": validTCPFlags,
	"ack": isUint32, "tcp.ack": isUint32, "seq": isUint32, "tcp.seq": isUint32,
	"window": validWindow, "tcp.window": validWindow,
	"fragbits":    matcher(`^[+*!]?\s*[MDR]+`), // the rest is not read: M+ is M
	"fragoffset":  numberAfter(`^[<>]?\s*(\d+)$`, 65535),
	"tos":         validTOS,
	"stream_size": numberAfter(`^(?:server|client|both|either) *, *(?:>=|<=|>|<|!=|!|=) *, *(\d+)$`, 1<<32-1),
	"tag":         numberAfter(`^(?:host|session)(?:\s*,\s*(\d+)\s*,\s*(?:packets|bytes|seconds)(?:\s*,\s*(?:src|dst))?)?$`, 1<<32-1),
	"target":      matcher(`^(?:src_ip|dest_ip)$`),
	"ssl_state":   validSSLState,
	"ssl_version": validSSLVersion,
	"tls.version": matcher(`^(?:1\.[0-3][A-Za-z0-9.]*|0x[0-9A-Fa-f]{4})$`),
}

// tcpFlagsRE is detect-tcp-flags.c's PARSE_REGEX: a modifier, the flags
// and, after a comma, the flags to ignore.
var tcpFlagsRE = regexp.MustCompile(`^\s*([+*!])?\s*([SAPRFU120CE+*!]+)(?:\s*,\s*([SAPRFU12CE]+))?\s*$`)

// validTCPFlags reads flags: at least one flag, a single modifier, each
// part shorter than the 16 bytes Suricata copies it into.
func validTCPFlags(v string) bool {
	m := tcpFlagsRE.FindStringSubmatch(v)
	if m == nil || len(m[2]) > 15 || len(m[3]) > 15 || strings.Trim(m[2], "+*!") == "" {
		return false
	}
	return strings.Count(m[1]+m[2], "+")+strings.Count(m[1]+m[2], "*")+strings.Count(m[1]+m[2], "!") <= 1
}

// validWindow reads window: "[!]n", n up to 65535.
var validWindow = numberAfter(`^!?\s*(\d{1,9})$`, 65535)

// validTOS reads tos: "[!]n", n up to 255, or "[!]xHH".
var validTOS = either(numberAfter(`^!?\s*(\d{1,3})$`, 255), matcher(`^!?\s*[xX][0-9a-fA-F]{1,2}$`))

// sslStates are ssl_state's states.
var sslStates = []string{"client_hello", "server_hello", "client_keyx", "server_keyx", "unknown"}

// validSSLState reads ssl_state: states, each perhaps negated, separated
// by "," or "|".
func validSSLState(v string) bool {
	for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '|' }) {
		if !slices.Contains(sslStates, strings.TrimPrefix(strings.TrimSpace(s), "!")) {
			return false
		}
	}
	return matcher(`^!?[a-z_]+(?:\s*[|,]\s*!?[a-z_]+)*$`)(v)
}

// sslVersions are ssl_version's versions, in any case.
var sslVersions = []string{"sslv2", "sslv3", "tls1.0", "tls1.1", "tls1.2", "tls1.3"}

// validSSLVersion reads ssl_version: versions separated by commas, each
// once, all negated or none.
func validSSLVersion(v string) bool {
	seen := map[string]bool{}
	negated := 0
	parts := splitArgs(v)
	for _, p := range parts {
		word := strings.ToLower(strings.TrimPrefix(p, "!"))
		if !slices.Contains(sslVersions, word) || seen[word] || strings.ContainsAny(word, " \t") {
			return false
		}
		seen[word] = true
		if strings.HasPrefix(p, "!") {
			negated++
		}
	}
	return len(parts) > 0 && (negated == 0 || negated == len(parts))
}

// checkTLSKeywords refuses a rule with ssl_state, ssl_version or
// tls.version whose header protocol is not tcp, ip or tls, or that has a
// buffer of another protocol.
func checkTLSKeywords(proto string, opts []ruleOption) string {
	if !slices.ContainsFunc(opts, func(o ruleOption) bool { return tlsKeywords[o.name] }) {
		return ""
	}
	if p := strings.ToLower(proto); p != "tcp" && p != "ip" && p != "tls" {
		return DropOptionValue
	}
	for _, o := range opts {
		if (stickyBuffer(o.name) || httpModifiers[o.name] || o.name == "uricontent") && !strings.HasPrefix(o.name, "tls") {
			return DropOptionValue
		}
	}
	return ""
}

// matcher returns a checker of values that match the regular expression re.
func matcher(re string) func(string) bool {
	return regexp.MustCompile(re).MatchString
}

// numberAfter returns a checker of values that match re and whose first
// group, if it matched, is a number up to max.
func numberAfter(re string, max uint64) func(string) bool {
	r := regexp.MustCompile(re)
	return func(v string) bool {
		m := r.FindStringSubmatch(v)
		return m != nil && (m[1] == "" || isUint(m[1], max))
	}
}

// either returns a checker of values that a or b passes.
func either(a, b func(string) bool) func(string) bool {
	return func(v string) bool { return a(v) || b(v) }
}

// isUint32 reports whether v is a decimal number of 32 bits.
func isUint32(v string) bool {
	_, err := strconv.ParseUint(v, 10, 32)
	return err == nil
}

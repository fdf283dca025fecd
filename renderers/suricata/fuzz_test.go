package suricata_test

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/realtools"
	"github.com/cratos-project/cratos/conformance/rendertest"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/suricata"
)

// fuzzOptions are the option sets the fuzz target renders with.
var fuzzOptions = []map[string]string{
	nil,
	{"action": "drop", "ip_group_size": "3"},
	{"sid_base": "1000", "msg_prefix": `A"B;C\D`, "classtype": "bad-unknown"},
}

// FuzzRender checks every rule line with an in-process reader that
// follows the renderer's own rules (running suricata -T per input would
// be far too slow; TestFuzzSeedsLoad runs it once on the seeds): lines
// under 8,192 bytes; a header of action, protocol, addresses, ports and
// direction; options split at unescaped semicolons; quoted values whose
// only unescaped double quotes enclose them; content values with balanced
// |hex| runs; IP lists of addresses and prefixes; one sid per rule and no
// gid:sid used twice. Generated rules (sid in the generated range) must
// also escape exactly as the renderer does: no backslash in content, only
// \\ \; \" in msg, printable ASCII only.
func FuzzRender(f *testing.F) {
	rendertest.Fuzz(f, suricata.Renderer{}, fuzzOptions, func(t *testing.T, req renderers.Request, ins []indicator.Indicator, got rendertest.Rendered) {
		opts := req.Options
		base := uint64(suricata.DefaultSIDBase)
		if v := opts["sid_base"]; v != "" {
			base, _ = strconv.ParseUint(v, 10, 32)
		}
		used := map[[2]uint64]bool{}
		for i, line := range strings.Split(strings.TrimSuffix(string(got.Out), "\n"), "\n") {
			if strings.HasPrefix(line, "#") {
				continue
			}
			gid, sid, err := fuzzCheckRule(line, base)
			if err != nil {
				t.Fatalf("line %d: %v\n%s", i+1, err, line)
			}
			if used[[2]uint64{gid, sid}] {
				t.Fatalf("line %d: gid %d sid %d used twice", i+1, gid, sid)
			}
			used[[2]uint64{gid, sid}] = true
		}
		if !strings.HasSuffix(string(got.Out), "\n") {
			t.Fatal("no final newline")
		}
	})
}

// fuzzCheckRule reads one rule line and returns its gid and sid.
func fuzzCheckRule(line string, sidBase uint64) (gid, sid uint64, err error) {
	if len(line) > suricata.MaxRuleLine {
		return 0, 0, fmt.Errorf("%d bytes, want at most %d", len(line), suricata.MaxRuleLine)
	}
	open := strings.IndexByte(line, '(')
	if open < 0 || !strings.HasSuffix(line, ")") {
		return 0, 0, fmt.Errorf("no option list")
	}
	head := strings.Fields(line[:open])
	if len(head) != 7 || !slices.Contains([]string{"alert", "drop", "reject", "rejectsrc", "rejectdst", "rejectboth", "pass"}, head[0]) ||
		(head[4] != "->" && head[4] != "<>") || !slices.Contains(fuzzProtocols, strings.ToLower(head[1])) {
		return 0, 0, fmt.Errorf("malformed header %q", head)
	}
	for _, f := range []int{2, 5} {
		if err := fuzzCheckGroup(head[f], fuzzAddressVars, fuzzAddress); err != nil {
			return 0, 0, fmt.Errorf("address: %v", err)
		}
		if err := fuzzCheckGroup(head[f+1], fuzzPortVars, fuzzPort); err != nil {
			return 0, 0, fmt.Errorf("port: %v", err)
		}
	}
	opts, err := fuzzSplitOptions(line[open+1 : len(line)-1])
	if err != nil {
		return 0, 0, err
	}
	gid = 1
	sids := 0
	var contents, msgs []string
	for _, o := range opts {
		name, value, _ := strings.Cut(o, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if strings.ContainsFunc(value, func(c rune) bool { return c == '"' }) {
			if value, err = fuzzUnquote(value); err != nil {
				return 0, 0, fmt.Errorf("option %s: %v", name, err)
			}
		}
		switch name {
		case "sid":
			sids++
			if sid, err = strconv.ParseUint(value, 10, 32); err != nil || sid == 0 {
				return 0, 0, fmt.Errorf("sid %q", value)
			}
		case "gid":
			if gid, err = strconv.ParseUint(value, 10, 32); err != nil {
				return 0, 0, fmt.Errorf("gid %q", value)
			}
		case "content":
			if err := fuzzCheckHex(value); err != nil {
				return 0, 0, fmt.Errorf("content %q: %v", value, err)
			}
			contents = append(contents, value)
		case "msg":
			msgs = append(msgs, value)
		}
	}
	if sids != 1 {
		return 0, 0, fmt.Errorf("%d sids", sids)
	}
	if gid == 1 && sid >= sidBase && sid < sidBase+suricata.SIDSpace {
		for _, c := range contents {
			if strings.ContainsRune(c, '\\') {
				return 0, 0, fmt.Errorf("generated content %q holds a backslash", c)
			}
		}
		for _, m := range msgs {
			if err := fuzzCheckMsg(m); err != nil {
				return 0, 0, fmt.Errorf("generated msg %q: %v", m, err)
			}
		}
		if len(msgs) != 1 {
			return 0, 0, fmt.Errorf("generated rule with %d msg", len(msgs))
		}
	}
	return gid, sid, nil
}

// fuzzSplitOptions splits a rule body at every semicolon that no
// backslash escapes, inside quotes or not, as Suricata does; only white
// space may follow the last one.
func fuzzSplitOptions(body string) ([]string, error) {
	var out []string
	start := 0
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '\\':
			if i+1 == len(body) {
				return nil, fmt.Errorf("backslash at the end of the option list")
			}
			i++
		case ';':
			out = append(out, body[start:i])
			start = i + 1
		}
	}
	if strings.TrimSpace(body[start:]) != "" {
		return nil, fmt.Errorf("text %q after the last option", body[start:])
	}
	return out, nil
}

// fuzzUnquote checks that a value's unescaped double quotes are exactly
// the two enclosing it (after an optional '!') and returns the inside.
func fuzzUnquote(v string) (string, error) {
	v = strings.TrimPrefix(v, "!")
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", fmt.Errorf("value %q is not enclosed in double quotes", v)
	}
	inner := v[1 : len(v)-1]
	for i := 0; i < len(inner); i++ {
		switch inner[i] {
		case '\\':
			if i+1 == len(inner) {
				return "", fmt.Errorf("value %q escapes its closing quote", v)
			}
			i++
		case '"':
			return "", fmt.Errorf("value %q holds an unescaped double quote", v)
		}
	}
	return inner, nil
}

// fuzzCheckHex checks a content value as Suricata parses it: a backslash
// only before : ; \\ or ", and |hex| runs closed, made of whole bytes of
// hex digits separated by spaces.
func fuzzCheckHex(c string) error {
	inHex := false
	digits := 0
	for i := 0; i < len(c); i++ {
		ch := c[i]
		switch {
		case ch == '\\' && !inHex:
			if i+1 == len(c) || !strings.ContainsRune(`:;\"`, rune(c[i+1])) {
				return fmt.Errorf("backslash not before : ; \\ or \"")
			}
			i++
		case ch == '|':
			if inHex && digits%2 != 0 {
				return fmt.Errorf("odd number of hex digits")
			}
			inHex, digits = !inHex, 0
		case inHex && ch == ' ':
			if digits%2 != 0 {
				return fmt.Errorf("hex byte cut by a space")
			}
		case inHex:
			if !strings.ContainsRune("0123456789abcdefABCDEF", rune(ch)) {
				return fmt.Errorf("%q inside a hex run", ch)
			}
			digits++
		}
	}
	if inHex {
		return fmt.Errorf("unclosed hex run")
	}
	return nil
}

// fuzzCheckMsg checks a generated msg: printable ASCII, and a backslash
// only before a backslash, semicolon or double quote.
func fuzzCheckMsg(m string) error {
	for i := 0; i < len(m); i++ {
		c := m[i]
		switch {
		case c < 0x20 || c > 0x7e:
			return fmt.Errorf("byte %#x", c)
		case c == '\\':
			if i+1 == len(m) || !strings.ContainsRune(`\;"`, rune(m[i+1])) {
				return fmt.Errorf("backslash not before \\ ; or \"")
			}
			i++
		}
	}
	return nil
}

// fuzzCheckGroup checks a header address or port field: brackets
// balanced and never empty, and every element, once stripped of '!' and
// brackets, "any" in any case (Suricata compares it so), a variable the
// stock suricata.yaml defines, or a value valid reports as well formed.
func fuzzCheckGroup(field string, vars []string, valid func(string) bool) error {
	depth := 0
	for i, c := range field {
		switch c {
		case '[':
			depth++
			if i+1 < len(field) && field[i+1] == ']' {
				return fmt.Errorf("empty list in %q", field)
			}
		case ']':
			if depth--; depth < 0 {
				return fmt.Errorf("unbalanced brackets in %q", field)
			}
		}
	}
	if depth != 0 {
		return fmt.Errorf("unbalanced brackets in %q", field)
	}
	for _, m := range strings.FieldsFunc(field, func(c rune) bool { return strings.ContainsRune("![],", c) }) {
		if strings.EqualFold(m, "any") || (strings.HasPrefix(m, "$") && slices.Contains(vars, m[1:])) || valid(m) {
			continue
		}
		return fmt.Errorf("element %q of %q", m, field)
	}
	return nil
}

var (
	fuzzProtocols   = strings.Fields("ip tcp udp icmp icmpv4 icmpv6 ipv4 ip4 ipv6 ip6 sctp pkthdr tcp-pkt tcp-stream http http1 http2 ftp ftp-data tls smb dcerpc dns smtp imap ssh nfs ntp tftp ike ikev2 krb5 dhcp snmp sip rfb mqtt telnet rdp quic bittorrent-dht")
	fuzzAddressVars = strings.Fields("HOME_NET EXTERNAL_NET HTTP_SERVERS SMTP_SERVERS SQL_SERVERS DNS_SERVERS TELNET_SERVERS AIM_SERVERS DC_SERVERS DNP3_SERVER DNP3_CLIENT MODBUS_CLIENT MODBUS_SERVER ENIP_CLIENT ENIP_SERVER")
	fuzzPortVars    = strings.Fields("HTTP_PORTS SHELLCODE_PORTS ORACLE_PORTS SSH_PORTS DNP3_PORTS MODBUS_PORTS FILE_DATA_PORTS FTP_PORTS GENEVE_PORTS VXLAN_PORTS TEREDO_PORTS")
)

// fuzzAddress accepts an address, a prefix or a range of two addresses,
// without zones.
func fuzzAddress(m string) bool {
	if strings.Contains(m, "%") {
		return false
	}
	if lo, hi, ok := strings.Cut(m, "-"); ok {
		a, errA := netip.ParseAddr(lo)
		b, errB := netip.ParseAddr(hi)
		return errA == nil && errB == nil && a.Compare(b) <= 0
	}
	if _, err := netip.ParsePrefix(m); err == nil {
		return true
	}
	_, err := netip.ParseAddr(m)
	return err == nil
}

// fuzzPort accepts a port or an ordered port range, either end open.
func fuzzPort(m string) bool {
	lo, hi, _ := strings.Cut(m, ":")
	a, errA := strconv.ParseUint(cmp.Or(lo, "0"), 10, 16)
	b, errB := strconv.ParseUint(cmp.Or(hi, "65535"), 10, 16)
	return errA == nil && errB == nil && a <= b
}

// TestFuzzSeedsLoad renders the union of every fuzz seed's input once per
// option set and loads it with suricata -T, with the hash list files the
// rules read beside it.
func TestFuzzSeedsLoad(t *testing.T) {
	r := suricata.Renderer{}
	var all []indicator.Indicator
	for _, seed := range rendertest.Seeds(r) {
		all = append(all, seed.In...)
	}
	all = indicator.Normalize(all)
	for i, opts := range fuzzOptions {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			req := rendertest.FuzzRequest("", opts)
			got := rendertest.Render(t, r, req, all)
			files, err := r.Companions(context.Background(), req, renderers.Slice(all))
			if err != nil {
				t.Fatal(err)
			}
			extra := map[string][]byte{}
			for _, f := range files {
				extra[f.Name] = f.Body
			}
			if err := realtools.SuricataTest(t, string(got.Out), extra); err != nil {
				t.Fatal(err)
			}
		})
	}
}

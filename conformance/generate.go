package conformance

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"

	"github.com/cratos-project/cratos/core/indicator"
)

// Generated returns n distinct canonical indicators of every type, in
// canonical order (indicator.Normalize), built deterministically from seed:
// the same (n, seed) always gives the same slice. The mix follows a typical
// blocklist feed (mostly addresses, names, URLs and hashes; a few rules and
// free-text values), and every indicator carries plausible MISP context
// (type, category, UUID, event id, timestamp, to_ids).
//
// Generated(1_000_000, 1) builds in about a second; it is meant for
// benchmarks and for tests when the shared real data is absent.
func Generated(n int, seed int64) []indicator.Indicator {
	return generate(n, seed, indicator.SetOf(indicator.AllTypes()...))
}

// typeWeights is the per-mille share of each type in a generated corpus.
var typeWeights = []struct {
	t indicator.Type
	w int
}{
	{indicator.IPv4, 300}, {indicator.IPv4Net, 30}, {indicator.IPv6, 40}, {indicator.IPv6Net, 10},
	{indicator.Domain, 190}, {indicator.Hostname, 100}, {indicator.URL, 150},
	{indicator.MD5, 40}, {indicator.SHA1, 30}, {indicator.SHA256, 40},
	{indicator.Email, 15}, {indicator.EmailSubject, 8}, {indicator.EmailAttachment, 8},
	{indicator.Mutex, 5}, {indicator.Snort, 3}, {indicator.Yara, 2}, {indicator.Sigma, 2},
	{indicator.X509MD5, 2}, {indicator.X509SHA1, 2}, {indicator.X509SHA256, 2},
	{indicator.Vulnerability, 3}, {indicator.JA3, 3}, {indicator.HASSH, 2},
	{indicator.HASSHServer, 2}, {indicator.Imphash, 3}, {indicator.CryptoCurrency, 4},
}

// generate builds n distinct indicators of the types in types. It
// produces the canonical order directly (the order indicator.Normalize
// gives, which a test checks) because sorting a million Indicators is most
// of the cost otherwise: values are drawn per type, sorted and
// de-duplicated as compact keys or strings, topped up until each type has
// its share, and only then given their MISP context.
func generate(n int, seed int64, types indicator.TypeSet) []indicator.Indicator {
	out := []indicator.Indicator{}
	var table []indicator.Type
	for _, tw := range typeWeights {
		if types.Has(tw.t) {
			for range tw.w {
				table = append(table, tw.t)
			}
		}
	}
	if n <= 0 || len(table) == 0 {
		return out
	}
	g := &generator{r: rand.New(rand.NewPCG(uint64(seed), 0x6372_6174_6f73))}
	counts := map[indicator.Type]int{}
	for range n {
		counts[table[g.r.IntN(len(table))]]++
	}
	out = slices.Grow(out, n)
	out = g.ipv4Group(out, counts[indicator.IPv4], counts[indicator.IPv4Net])
	out = g.ipv6Group(out, counts[indicator.IPv6], counts[indicator.IPv6Net])
	for _, t := range indicator.AllTypes() {
		if !t.IsIP() && counts[t] > 0 {
			out = g.textGroup(out, t, counts[t])
		}
	}
	for i := range out {
		g.context(&out[i])
	}
	return out
}

// ipv4Group appends addrs distinct addresses and nets distinct nets, in
// numeric order (address, then prefix length).
func (g *generator) ipv4Group(out []indicator.Indicator, addrs, nets int) []indicator.Indicator {
	// A key is the address in the high bits and the prefix length below.
	fill := func(keys []uint64, want int, next func() uint64) []uint64 {
		for len(keys) < want {
			for k := want - len(keys); k > 0; k-- {
				keys = append(keys, next())
			}
			slices.Sort(keys)
			keys = slices.Compact(keys)
		}
		return keys
	}
	keys := fill(nil, addrs, func() uint64 { return uint64(g.ipv4Bits())<<8 | 32 })
	netKeys := fill(nil, nets, func() uint64 {
		bits := v4Bits[g.r.IntN(len(v4Bits))]
		a := g.ipv4Bits() &^ (1<<(32-bits) - 1)
		return uint64(a)<<8 | uint64(bits)
	})
	keys = append(keys, netKeys...)
	slices.Sort(keys)
	for _, k := range keys {
		v, bits := uint32(k>>8), int(k&0xff)
		a := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
		if bits == 32 {
			out = append(out, indicator.Indicator{Type: indicator.IPv4, Value: a.String()})
		} else {
			out = append(out, indicator.Indicator{Type: indicator.IPv4Net, Value: netip.PrefixFrom(a, bits).String()})
		}
	}
	return out
}

// ipv6Group is ipv4Group for IPv6.
func (g *generator) ipv6Group(out []indicator.Indicator, addrs, nets int) []indicator.Indicator {
	compare := func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	}
	fill := func(ps []netip.Prefix, want int, next func() netip.Prefix) []netip.Prefix {
		for len(ps) < want {
			for k := want - len(ps); k > 0; k-- {
				ps = append(ps, next())
			}
			slices.SortFunc(ps, compare)
			ps = slices.Compact(ps)
		}
		return ps
	}
	ps := fill(nil, addrs, func() netip.Prefix { return netip.PrefixFrom(g.ipv6(128), 128) })
	ps = append(ps, fill(nil, nets, g.ipv6Net)...)
	slices.SortFunc(ps, compare)
	for _, p := range ps {
		if p.Bits() == 128 {
			out = append(out, indicator.Indicator{Type: indicator.IPv6, Value: p.Addr().String()})
		} else {
			out = append(out, indicator.Indicator{Type: indicator.IPv6Net, Value: p.String()})
		}
	}
	return out
}

// textGroup appends want distinct values of t in byte order.
func (g *generator) textGroup(out []indicator.Indicator, t indicator.Type, want int) []indicator.Indicator {
	var vs []string
	for len(vs) < want {
		for k := want - len(vs); k > 0; k-- {
			vs = append(vs, g.value(t))
		}
		slices.Sort(vs)
		vs = slices.Compact(vs)
	}
	for _, v := range vs {
		out = append(out, indicator.Indicator{Type: t, Value: v})
	}
	return out
}

// context sets the MISP context of in.
func (g *generator) context(in *indicator.Indicator) {
	in.MISPType = mispTypes[in.Type]
	in.Category = categories[in.Type]
	in.UUID = g.uuid()
	in.EventID = 1 + g.r.Int64N(5000)
	in.Timestamp = genEpoch - g.r.Int64N(90*86400)
	in.ToIDS = g.r.IntN(10) != 0
}

type generator struct {
	r *rand.Rand
	b []byte
}

const (
	genEpoch = 1767225600 // 2026-01-01T00:00:00Z
	hexDigit = "0123456789abcdef"
	base58   = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	bech32   = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
)

var (
	consonants = "bcdfghjklmnprstvwz"
	vowels     = "aeiou"
	words      = []string{
		"secure", "login", "update", "account", "verify", "cdn", "mail", "app", "cloud",
		"support", "pay", "bank", "service", "online", "portal", "static", "api", "auth",
		"invoice", "office", "drive", "share", "track", "stat", "sync", "docs", "web",
	}
	tlds = []string{
		"com", "net", "org", "ru", "cn", "top", "xyz", "info", "io", "biz", "online",
		"site", "club", "de", "co.uk", "com.br", "in", "su", "pw", "cc",
	}
	subs = []string{
		"www", "mail", "api", "cdn", "login", "m", "ns1", "panel", "c2", "srv01",
		"update", "static", "img", "dl", "files",
	}
	extensions = []string{".php", ".html", "/", ".exe", ".zip", ".js", ".aspx", ".bin", ".doc", ""}
	subject    = []string{
		"Invoice", "payment", "overdue", "Your", "account", "has", "been", "suspended",
		"urgent", "Rechnung", "Zahlung", "fällig", "Facture", "impayée", "請求書", "счёт",
		"DHL", "parcel", "delivery", "failed", "password", "expires", "today", "re:", "fwd:",
	}
	attachExt  = []string{".pdf.exe", ".zip", ".docm", ".xlsm", ".iso", ".lnk", ".js", ".img", ".html"}
	categories = map[indicator.Type]string{
		indicator.IPv4: "Network activity", indicator.IPv4Net: "Network activity",
		indicator.IPv6: "Network activity", indicator.IPv6Net: "Network activity",
		indicator.Domain: "Network activity", indicator.Hostname: "Network activity",
		indicator.URL: "Network activity", indicator.MD5: "Payload delivery",
		indicator.SHA1: "Payload delivery", indicator.SHA256: "Payload delivery",
		indicator.Email: "Payload delivery", indicator.EmailSubject: "Payload delivery",
		indicator.EmailAttachment: "Payload delivery", indicator.Mutex: "Artifacts dropped",
		indicator.Snort: "Network activity", indicator.Yara: "Payload installation",
		indicator.Sigma: "Artifacts dropped", indicator.X509MD5: "Network activity",
		indicator.X509SHA1: "Network activity", indicator.X509SHA256: "Network activity",
		indicator.Vulnerability: "External analysis", indicator.JA3: "Network activity",
		indicator.HASSH: "Network activity", indicator.HASSHServer: "Network activity",
		indicator.Imphash: "Payload delivery", indicator.CryptoCurrency: "Financial fraud",
	}
	mispTypes = map[indicator.Type]string{
		indicator.IPv4: "ip-dst", indicator.IPv4Net: "ip-dst", indicator.IPv6: "ip-dst",
		indicator.IPv6Net: "ip-dst", indicator.Domain: "domain", indicator.Hostname: "hostname",
		indicator.URL: "url", indicator.MD5: "md5", indicator.SHA1: "sha1", indicator.SHA256: "sha256",
		indicator.Email: "email-src", indicator.EmailSubject: "email-subject",
		indicator.EmailAttachment: "email-attachment", indicator.Mutex: "mutex",
		indicator.Snort: "snort", indicator.Yara: "yara", indicator.Sigma: "sigma",
		indicator.X509MD5: "x509-fingerprint-md5", indicator.X509SHA1: "x509-fingerprint-sha1",
		indicator.X509SHA256: "x509-fingerprint-sha256", indicator.Vulnerability: "vulnerability",
		indicator.JA3: "ja3-fingerprint-md5", indicator.HASSH: "hassh-md5",
		indicator.HASSHServer: "hasshserver-md5", indicator.Imphash: "imphash",
		indicator.CryptoCurrency: "btc",
	}
)

// value returns a random canonical value of the non-IP type t.
func (g *generator) value(t indicator.Type) string {
	g.b = g.b[:0]
	switch t {
	case indicator.Domain:
		g.domain()
	case indicator.Hostname:
		g.hostname()
	case indicator.URL:
		g.url()
	case indicator.MD5, indicator.X509MD5, indicator.JA3, indicator.HASSH, indicator.HASSHServer, indicator.Imphash:
		g.hex(32)
	case indicator.SHA1, indicator.X509SHA1:
		g.hex(40)
	case indicator.SHA256, indicator.X509SHA256:
		g.hex(64)
	case indicator.Email:
		g.email()
	case indicator.EmailSubject:
		g.subject()
	case indicator.EmailAttachment:
		g.word()
		g.b = append(g.b, '_')
		g.b = strconv.AppendInt(g.b, 1000+g.r.Int64N(9000), 10)
		g.b = append(g.b, attachExt[g.r.IntN(len(attachExt))]...)
	case indicator.Mutex:
		g.b = append(g.b, `Global\`...)
		g.word()
		g.hex(8)
	case indicator.Snort:
		g.snort()
	case indicator.Yara:
		g.yara()
	case indicator.Sigma:
		g.sigma()
	case indicator.Vulnerability:
		g.b = append(g.b, "CVE-"...)
		g.b = strconv.AppendInt(g.b, 1999+g.r.Int64N(28), 10)
		g.b = append(g.b, '-')
		g.b = strconv.AppendInt(g.b, 1000+g.r.Int64N(99000), 10)
	case indicator.CryptoCurrency:
		g.crypto()
	}
	return string(g.b)
}

func (g *generator) uuid() string {
	var b [36]byte
	hi, lo := g.r.Uint64(), g.r.Uint64()
	hi = hi&^0xf000 | 0x4000     // version 4
	lo = lo&^(0xc<<60) | 0x8<<60 // RFC 4122 variant
	const layout = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
	j := 0
	for i := range layout {
		if layout[i] == '-' {
			b[i] = '-'
			continue
		}
		var nib uint64
		if j < 16 {
			nib = hi >> (60 - 4*j) & 0xf
		} else {
			nib = lo >> (60 - 4*(j-16)) & 0xf
		}
		b[i] = hexDigit[nib]
		j++
	}
	return string(b[:])
}

// ipv4Bits returns a random public-looking IPv4 address.
func (g *generator) ipv4Bits() uint32 {
	v := g.r.Uint32()
	first := 1 + v>>24%223
	if first == 10 || first == 127 {
		first++
	}
	return first<<24 | v&0xffffff
}

// ipv4 appends a random address.
func (g *generator) ipv4() {
	v := g.ipv4Bits()
	g.b = netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}).AppendTo(g.b)
}

var v4Bits = []int{16, 20, 22, 24, 24, 24, 24, 27, 28, 29, 30}

var v6Prefixes = []uint16{0x2001, 0x2400, 0x2600, 0x2604, 0x2606, 0x2a00, 0x2a01, 0x2a02, 0x2a03, 0x2c0f}

// ipv6 returns a global address whose bits after bits are zero; about half
// have a run of zero groups, so canonical text uses "::".
func (g *generator) ipv6(bits int) netip.Addr {
	var b [16]byte
	hi, lo := g.r.Uint64(), g.r.Uint64()
	for i := range 8 {
		b[i] = byte(hi >> (56 - 8*i))
		b[8+i] = byte(lo >> (56 - 8*i))
	}
	p := v6Prefixes[g.r.IntN(len(v6Prefixes))]
	b[0], b[1] = byte(p>>8), byte(p)
	if g.r.IntN(2) == 0 {
		for i := 8; i < 14; i++ {
			b[i] = 0
		}
	}
	a := netip.AddrFrom16(b)
	if bits < 128 {
		a = netip.PrefixFrom(a, bits).Masked().Addr()
	}
	return a
}

var v6Bits = []int{32, 48, 56, 64, 64}

func (g *generator) ipv6Net() netip.Prefix {
	bits := v6Bits[g.r.IntN(len(v6Bits))]
	return netip.PrefixFrom(g.ipv6(bits), bits)
}

func (g *generator) syllables(n int) {
	for range n {
		g.b = append(g.b, consonants[g.r.IntN(len(consonants))], vowels[g.r.IntN(len(vowels))])
	}
}

func (g *generator) word() { g.b = append(g.b, words[g.r.IntN(len(words))]...) }

func (g *generator) label() {
	switch g.r.IntN(5) {
	case 0:
		g.word()
		g.syllables(2)
	case 1:
		g.word()
		g.b = append(g.b, '-')
		g.word()
		g.syllables(1)
	case 2:
		g.syllables(2)
		g.b = strconv.AppendInt(g.b, g.r.Int64N(1000), 10)
		g.syllables(1)
	default:
		g.syllables(3 + g.r.IntN(4))
	}
}

func (g *generator) domain() {
	g.label()
	g.b = append(g.b, '.')
	g.b = append(g.b, tlds[g.r.IntN(len(tlds))]...)
}

func (g *generator) hostname() {
	g.b = append(g.b, subs[g.r.IntN(len(subs))]...)
	g.b = append(g.b, '.')
	g.domain()
}

func (g *generator) url() {
	if g.r.IntN(5) < 3 {
		g.b = append(g.b, "http://"...)
	} else {
		g.b = append(g.b, "https://"...)
	}
	switch k := g.r.IntN(20); {
	case k < 3:
		g.ipv4()
	case k < 6:
		g.domain()
	default:
		g.hostname()
	}
	if g.r.IntN(20) == 0 {
		g.b = append(g.b, ':')
		g.b = strconv.AppendInt(g.b, 1024+g.r.Int64N(64000), 10)
	}
	for range 1 + g.r.IntN(3) {
		g.b = append(g.b, '/')
		if g.r.IntN(2) == 0 {
			g.word()
		} else {
			g.syllables(2 + g.r.IntN(3))
		}
	}
	g.b = append(g.b, extensions[g.r.IntN(len(extensions))]...)
	if g.r.IntN(10) < 3 {
		g.b = append(g.b, "?id="...)
		g.b = strconv.AppendInt(g.b, g.r.Int64N(100000), 10)
		g.b = append(g.b, "&u="...)
		g.hex(8)
	}
}

func (g *generator) hex(n int) {
	for n > 0 {
		v := g.r.Uint64()
		for i := 0; i < 16 && n > 0; i++ {
			g.b = append(g.b, hexDigit[v&0xf])
			v >>= 4
			n--
		}
	}
}

func (g *generator) email() {
	switch g.r.IntN(3) {
	case 0:
		g.syllables(2)
		g.b = append(g.b, '.')
		g.syllables(3)
	case 1:
		g.word()
		g.b = strconv.AppendInt(g.b, g.r.Int64N(100), 10)
	default:
		g.b = append(g.b, "no-reply+"...)
		g.syllables(2)
	}
	g.b = append(g.b, '@')
	g.domain()
}

func (g *generator) subject() {
	n := 3 + g.r.IntN(6)
	for i := range n {
		if i > 0 {
			g.b = append(g.b, ' ')
		}
		g.b = append(g.b, subject[g.r.IntN(len(subject))]...)
	}
	g.b = append(g.b, " #"...)
	g.b = strconv.AppendInt(g.b, g.r.Int64N(1_000_000), 10)
}

func (g *generator) sid() { g.b = strconv.AppendInt(g.b, 9_000_000+g.r.Int64N(1_000_000), 10) }

func (g *generator) snort() {
	g.b = append(g.b, `alert tls $HOME_NET any -> $EXTERNAL_NET any (msg:"MALWARE `...)
	g.word()
	g.b = append(g.b, ` C2"; tls.sni; content:"`...)
	g.hostname()
	g.b = append(g.b, `"; endswith; sid:`...)
	g.sid()
	g.b = append(g.b, "; rev:1;)"...)
}

func (g *generator) yara() {
	g.b = append(g.b, "rule "...)
	g.word()
	g.b = append(g.b, '_')
	g.hex(8)
	g.b = append(g.b, "\n{\n    strings:\n        $a = \""...)
	g.hostname()
	g.b = append(g.b, "\" ascii wide\n        $b = { "...)
	for i := range 6 {
		if i > 0 {
			g.b = append(g.b, ' ')
		}
		g.hex(2)
	}
	g.b = append(g.b, " }\n    condition:\n        any of them\n}"...)
}

func (g *generator) sigma() {
	g.b = append(g.b, "title: "...)
	g.word()
	g.b = append(g.b, " dropper "...)
	g.hex(6)
	g.b = append(g.b, "\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        Image|endswith: '\\"...)
	g.word()
	g.b = append(g.b, ".exe'\n    condition: selection\nlevel: high"...)
}

func (g *generator) crypto() {
	if g.r.IntN(4) == 0 {
		g.b = append(g.b, "bc1q"...)
		for range 38 {
			g.b = append(g.b, bech32[g.r.IntN(len(bech32))])
		}
		return
	}
	g.b = append(g.b, '1')
	for range 33 {
		g.b = append(g.b, base58[g.r.IntN(len(base58))])
	}
}

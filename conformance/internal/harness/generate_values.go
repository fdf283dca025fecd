package harness

import (
	"net/netip"
	"strconv"

	"github.com/cratos-project/cratos/core/indicator"
)

// The alphabets of generated hashes and wallet addresses.
const (
	hexDigit = "0123456789abcdef"
	base58   = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	bech32   = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
)

// The words generated names, URLs and subjects are made of.
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
	attachExt = []string{".pdf.exe", ".zip", ".docm", ".xlsm", ".iso", ".lnk", ".js", ".img", ".html"}
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

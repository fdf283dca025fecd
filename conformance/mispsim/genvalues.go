package mispsim

import (
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
)

var families = []string{"Emotet", "QakBot", "IcedID", "AgentTesla", "Cobalt Strike", "Mozi", "Glupteba", "RedLine", "Lumma", "AsyncRAT", "SocGholish", "Sednit", "Turla", "Lazarus", "DarkGate"}

// gen makes the values of one generated event.
type gen struct {
	r      *rand.Rand
	pools  *valuePools
	benign *benignValues
	buf    []byte
}

// pick returns a pooled value with probability per/1000, or "".
func (g *gen) pick(pool []string, per int) string {
	if len(pool) > 0 && g.r.IntN(1000) < per {
		return pool[g.r.IntN(len(pool))]
	}
	return ""
}

func (g *gen) oneOf(list []string) string { return list[g.r.IntN(len(list))] }

const syllables = "bacadafagahajakalamanapaqarasatavawaxayazebecedefegehejekelemenepeqereseteveweexeyezibicidi"

func (g *gen) word() string {
	n := 2 + g.r.IntN(3)
	b := g.buf[:0]
	for range n {
		i := g.r.IntN(len(syllables)/2) * 2
		b = append(b, syllables[i:i+2]...)
	}
	g.buf = b
	return string(b)
}

var tlds = []string{"com", "net", "org", "ru", "cn", "info", "xyz", "top", "io", "de", "co.uk", "biz", "su", "online", "site", "onion"}

var idnLabels = []string{"bücher", "пример", "例え", "münchen", "straße", "café", "ελλάδα", "xn--80ak6aa92e", "xn--bcher-kva", "xn--mnchen-3ya"}

var junkDomains = []string{"localhost", "exa mple.com", "-bad-.com", "a..b.com", "*.evil.com", "", "example", "_dmarc.evil.com", "N/A",
	"thislabeliswaytoolongtobeavaliddnslabelbecauseithasmorethansixtythreecharacters.com", "evil.com/", "http://", "evil_com"}

// pooledJunkOrBenign draws what domain and ip begin with: a pooled value
// 450 times in 1000, else a junk value for a draw p below junkBelow or a
// benign one below benignBelow. ok is false when none was chosen; the
// caller then makes a value from p.
func (g *gen) pooledJunkOrBenign(pool, junk, benign []string, junkBelow, benignBelow int) (v string, p int, ok bool) {
	if v := g.pick(pool, 450); v != "" {
		return v, 0, true
	}
	p = g.r.IntN(1000)
	switch {
	case p < junkBelow:
		return g.oneOf(junk), p, true
	case p < benignBelow:
		return g.oneOf(benign), p, true
	}
	return "", p, false
}

func (g *gen) domain(hostname bool) string {
	v, p, ok := g.pooledJunkOrBenign(g.pools.domains, junkDomains, g.benign.hosts, 15, 30)
	if ok {
		return v
	}
	name := g.word() + "." + g.oneOf(tlds)
	if p < 45 {
		name = g.oneOf(idnLabels) + "." + g.oneOf(tlds)
	}
	if hostname || p%7 == 0 {
		name = g.oneOf([]string{"www", "mail", "cdn", "api", "update", g.word()}) + "." + name
	}
	switch {
	case p < 70:
		return strings.ToUpper(name)
	case p < 85:
		return name + "."
	case p < 95:
		return strings.ToUpper(name[:1]) + name[1:]
	}
	return name
}

func (g *gen) plainIP() string {
	if g.r.IntN(1000) < 20 {
		return g.oneOf(g.benign.ips)
	}
	return g.ipv4()
}

func (g *gen) ipv4() string {
	b := g.buf[:0]
	b = strconv.AppendInt(b, int64(1+g.r.IntN(223)), 10)
	for range 3 {
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(g.r.IntN(256)), 10)
	}
	g.buf = b
	return string(b)
}

var junkIPs = []string{"999.12.3.4", "10.0.0", "1.2.3.4.5", "N/A", "-", "256.256.256.256", " 8.8.4.4 ", "0x7f.0.0.1",
	"127.1", "::ffff:1.2.3.4", "fe80::1%eth0", "[2001:db8::1]:443", "1.2.3.4:8080", "01.02.03.04", "1.2.3.0/33"}

func (g *gen) ip() string {
	v, p, ok := g.pooledJunkOrBenign(g.pools.ips, junkIPs, g.benign.ips, 20, 45)
	if ok {
		return v
	}
	switch {
	case p < 110:
		var a [16]byte
		a[0], a[1] = 0x20, byte(0x01+g.r.IntN(0x0f))
		for i := 2; i < 16; i++ {
			if i < 8 || g.r.IntN(3) == 0 {
				a[i] = byte(g.r.IntN(256))
			}
		}
		s := netip.AddrFrom16(a).String()
		if p < 60 {
			s = strings.ToUpper(s)
		}
		return s
	case p < 150:
		return g.ipv4() + "/" + strconv.Itoa(16+g.r.IntN(15))
	}
	return g.ipv4()
}

func (g *gen) port() string {
	return g.oneOf([]string{"80", "443", "8080", "8443", "4444", "53", "22", strconv.Itoa(1024 + g.r.IntN(64000))})
}

func (g *gen) url() string {
	if v := g.pick(g.pools.urls, 450); v != "" {
		return v
	}
	p := g.r.IntN(1000)
	if p < 20 {
		return "https://" + g.oneOf(g.benign.hosts) + "/"
	}
	host := g.domain(false)
	if p < 250 {
		host = g.ipv4()
	}
	if p%5 == 0 {
		host += ":" + g.port()
	}
	scheme := g.oneOf([]string{"http://", "https://", "http://", "https://", "", "HTTP://", "hxxp://"})
	path := "/" + g.word() + "/" + g.word() + g.oneOf([]string{".php", ".exe", ".zip", "/", "", ".js"})
	if p%9 == 0 {
		path += "?id=" + strconv.Itoa(g.r.IntN(100000)) + "&ref=" + g.word()
	}
	return scheme + host + path
}

func (g *gen) uri() string {
	if v := g.pick(g.pools.uris, 600); v != "" {
		return v
	}
	return "/" + g.word() + "/" + g.word() + ".php"
}

func (g *gen) hex(n int, upper bool) string {
	const lower, upperHex = "0123456789abcdef", "0123456789ABCDEF"
	digits := lower
	if upper {
		digits = upperHex
	}
	b := g.buf[:0]
	for i := 0; i < n; i += 8 {
		x := g.r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			c := byte(x >> (8 * j))
			b = append(b, digits[c>>4], digits[c&0xf])
		}
	}
	g.buf = b
	return string(b)
}

func (g *gen) hash(n int, pool []string) string {
	if v := g.pick(pool, 300); v != "" {
		return v
	}
	p := g.r.IntN(1000)
	switch {
	case p < 10:
		return g.hex(n, false)[:2*n-1] // one digit short
	case p < 20:
		return g.oneOf(g.benign.hashes)
	case p < 70:
		return g.hex(n, true)
	case p < 75:
		return g.hex(n, false) + " "
	}
	return g.hex(n, false)
}

var extensions = []string{".exe", ".dll", ".doc", ".js", ".ps1", ".zip", ".lnk", ".bin", ".elf", ".apk"}

func (g *gen) filename() string {
	name := g.word() + g.oneOf(extensions)
	if g.r.IntN(10) == 0 {
		name = `C:\Users\Public\` + name
	}
	return name
}

func (g *gen) email() string {
	if g.r.IntN(100) < 5 {
		return g.word() + "@" + g.oneOf(g.benign.emailDomains)
	}
	local := g.oneOf([]string{"info", "admin", "support", "billing", g.word(), g.word() + "." + g.word()})
	addr := local + "@" + g.word() + "." + g.oneOf(tlds)
	if g.r.IntN(30) == 0 {
		addr = strings.ToUpper(addr)
	}
	return addr
}

func (g *gen) cve() string {
	v := "CVE-" + strconv.Itoa(2014+g.r.IntN(12)) + "-" + strconv.Itoa(1000+g.r.IntN(49000))
	switch g.r.IntN(50) {
	case 0:
		return strings.ToLower(v) + " "
	case 1:
		return v + "X"
	}
	return v
}

const base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

func (g *gen) base58(n int) string {
	b := g.buf[:0]
	for range n {
		b = append(b, base58[g.r.IntN(len(base58))])
	}
	g.buf = b
	return string(b)
}

func (g *gen) btc() string {
	switch g.r.IntN(3) {
	case 0:
		return "bc1q" + strings.ToLower(g.base58(38))
	case 1:
		return "3" + g.base58(33)
	}
	return "1" + g.base58(25+g.r.IntN(9))
}

func (g *gen) snort() string {
	sid := 9000000 + g.r.IntN(1000000)
	rule := `alert tcp $HOME_NET any -> $EXTERNAL_NET ` + g.port() + ` (msg:"MALWARE-CNC ` + g.oneOf(families) +
		` beacon"; flow:established,to_server; content:"` + g.word() + `"; http_uri; sid:` + strconv.Itoa(sid) + `; rev:1;)`
	if g.r.IntN(4) == 0 {
		rule += "\n" + strings.Replace(rule, "rev:1", "rev:2", 1)
	}
	return rule
}

func (g *gen) yara() string {
	return "rule " + strings.ReplaceAll(g.oneOf(families), " ", "_") + "_" + g.hex(4, false) + " {\n" +
		"    meta:\n        author = \"mispsim\"\n    strings:\n        $s1 = \"" + g.word() + "\" ascii wide\n" +
		"        $h1 = { 4D 5A 90 00 }\n    condition:\n        uint16(0) == 0x5A4D and any of them\n}"
}

func (g *gen) sigma() string {
	return "title: Suspicious " + g.word() + " execution\nstatus: experimental\nlogsource:\n    product: windows\n" +
		"    category: process_creation\ndetection:\n    selection:\n        Image|endswith: '\\" + g.word() +
		".exe'\n    condition: selection\nlevel: high"
}

func (g *gen) userAgent() string {
	return g.oneOf([]string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + strconv.Itoa(90+g.r.IntN(40)) + ".0.0.0 Safari/537.36",
		"Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)",
		"curl/7." + strconv.Itoa(g.r.IntN(90)) + ".0",
		"python-requests/2." + strconv.Itoa(g.r.IntN(32)),
	})
}

func (g *gen) uuid() string {
	var b [16]byte
	x, y := g.r.Uint64(), g.r.Uint64()
	for i := range 8 {
		b[i], b[8+i] = byte(x>>(8*i)), byte(y>>(8*i))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}

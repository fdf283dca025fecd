package mispsim

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// attrsPerEvent is how many generated attributes share one event.
const attrsPerEvent = 1000

// generatedSpan is how far back generated timestamps go (two years).
const generatedSpan = 730 * 86400

// valuePools holds real indicator values, one per line as found.
type valuePools struct {
	domains, ips, urls, uris []string
	md5, sha1, sha256        []string
}

// readPools reads <dir>/indicators/*.txt when present.
func readPools(dir string) (*valuePools, error) {
	p := &valuePools{}
	if dir == "" {
		return p, nil
	}
	ind := filepath.Join(dir, "indicators")
	if !isDir(ind) {
		return p, nil
	}
	read := func(name string) ([]string, error) {
		data, err := os.ReadFile(filepath.Join(ind, name))
		if os.IsNotExist(err) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("mispsim: read indicators: %w", err)
		}
		var out []string
		for _, l := range strings.Split(string(data), "\n") {
			if l != "" {
				out = append(out, l)
			}
		}
		return out, nil
	}
	var err error
	for _, f := range []struct {
		name string
		dst  *[]string
	}{{"domains.txt", &p.domains}, {"ips.txt", &p.ips}, {"urls.txt", &p.urls}, {"uris.txt", &p.uris}} {
		if *f.dst, err = read(f.name); err != nil {
			return nil, err
		}
	}
	hashes, err := read("hashes.txt")
	if err != nil {
		return nil, err
	}
	for _, h := range hashes {
		switch len(strings.TrimSpace(h)) {
		case 32:
			p.md5 = append(p.md5, h)
		case 40:
			p.sha1 = append(p.sha1, h)
		case 64:
			p.sha256 = append(p.sha256, h)
		}
	}
	return p, nil
}

// benignValues are values on the loaded warninglists (or well-known benign
// values when none are loaded), mixed into generated data so that
// enforceWarninglist has something to drop.
type benignValues struct {
	ips, hosts, hashes, emailDomains []string
}

func collectBenign(wls []*warninglist) *benignValues {
	b := &benignValues{}
	for _, wl := range wls {
		if !wl.enabled {
			continue
		}
		step := max(1, len(wl.entries)/200)
		for i := 0; i < len(wl.entries); i += step {
			v := wl.entries[i].value
			switch {
			case wl.kind == wlCIDR:
				if p, ok := parseListCIDR(v); ok {
					b.ips = append(b.ips, p.Addr().String())
				}
			case wl.kind == wlHostname, wl.kind == wlString && appliesTo(wl, "domain"):
				b.hosts = append(b.hosts, strings.TrimLeft(v, "."))
			case wl.kind == wlString && appliesTo(wl, "sha256") || appliesTo(wl, "md5"):
				b.hashes = append(b.hashes, v)
			case wl.kind == wlSubstring && appliesTo(wl, "email-src"):
				b.emailDomains = append(b.emailDomains, strings.TrimLeft(v, "@."))
			}
		}
	}
	if len(b.ips) == 0 {
		b.ips = []string{"8.8.8.8", "1.1.1.1", "10.0.0.1", "192.168.1.1", "9.9.9.9", "2001:4860:4860::8888"}
	}
	if len(b.hosts) == 0 {
		b.hosts = []string{"google.com", "www.microsoft.com", "github.com", "example.com"}
	}
	if len(b.hashes) == 0 {
		b.hashes = []string{"d41d8cd98f00b204e9800998ecf8427e", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "da39a3ee5e6b4b0d3255bfef95601890afd80709"}
	}
	if len(b.emailDomains) == 0 {
		b.emailDomains = []string{"mailinator.com", "guerrillamail.com"}
	}
	return b
}

func appliesTo(wl *warninglist, t string) bool {
	for _, x := range wl.types {
		if x == t || x == "ALL" {
			return true
		}
	}
	return false
}

// genType is one generated attribute type with its weight (per mille) and
// the object relation it gets inside an object.
type genType struct {
	name     string
	weight   int
	relation string
	value    func(g *gen) string
}

var genTypes = []genType{
	{"ip-dst", 200, "ip", func(g *gen) string { return g.ip() }},
	{"ip-src", 60, "ip", func(g *gen) string { return g.ip() }},
	{"domain", 165, "domain", func(g *gen) string { return g.domain(false) }},
	{"hostname", 70, "hostname", func(g *gen) string { return g.domain(true) }},
	{"url", 130, "url", func(g *gen) string { return g.url() }},
	{"uri", 10, "uri", func(g *gen) string { return g.uri() }},
	{"domain|ip", 50, "", func(g *gen) string { return g.domain(false) + "|" + g.plainIP() }},
	{"ip-dst|port", 40, "", func(g *gen) string { return g.plainIP() + "|" + g.port() }},
	{"ip-src|port", 10, "", func(g *gen) string { return g.plainIP() + "|" + g.port() }},
	{"hostname|port", 5, "", func(g *gen) string { return g.domain(true) + "|" + g.port() }},
	{"md5", 50, "md5", func(g *gen) string { return g.hash(16, g.pools.md5) }},
	{"sha1", 40, "sha1", func(g *gen) string { return g.hash(20, g.pools.sha1) }},
	{"sha256", 60, "sha256", func(g *gen) string { return g.hash(32, g.pools.sha256) }},
	{"filename|sha256", 15, "", func(g *gen) string { return g.filename() + "|" + g.hash(32, g.pools.sha256) }},
	{"filename|md5", 10, "", func(g *gen) string { return g.filename() + "|" + g.hash(16, g.pools.md5) }},
	{"filename|sha1", 5, "", func(g *gen) string { return g.filename() + "|" + g.hash(20, g.pools.sha1) }},
	{"email-src", 15, "from", func(g *gen) string { return g.email() }},
	{"email-dst", 5, "to", func(g *gen) string { return g.email() }},
	{"vulnerability", 8, "", func(g *gen) string { return g.cve() }},
	{"ja3-fingerprint-md5", 5, "ja3-fingerprint-md5", func(g *gen) string { return g.hex(16, false) }},
	{"btc", 5, "", func(g *gen) string { return g.btc() }},
	{"xmr", 2, "", func(g *gen) string { return "4" + g.base58(94) }},
	{"snort", 3, "", func(g *gen) string { return g.snort() }},
	{"yara", 2, "", func(g *gen) string { return g.yara() }},
	{"sigma", 1, "", func(g *gen) string { return g.sigma() }},
	{"mutex", 3, "", func(g *gen) string { return `Global\` + g.word() + strconv.Itoa(g.r.IntN(1000)) }},
	{"x509-fingerprint-sha1", 2, "x509-fingerprint-sha1", func(g *gen) string { return g.hex(20, false) }},
	{"user-agent", 3, "user-agent", func(g *gen) string { return g.userAgent() }},
	{"email-subject", 2, "subject", func(g *gen) string { return "Invoice #" + strconv.Itoa(g.r.IntN(99999)) + " " + g.word() }},
	{"filename", 5, "filename", func(g *gen) string { return g.filename() }},
	{"regkey", 2, "", func(g *gen) string {
		return `HKLM\Software\Microsoft\Windows\CurrentVersion\Run\` + g.word()
	}},
	{"text", 5, "text", func(g *gen) string { return "Malware family: " + g.word() }},
	{"link", 5, "", func(g *gen) string {
		return "https://blog.example.org/" + strconv.Itoa(2020+g.r.IntN(6)) + "/" + g.word() + "-" + g.word()
	}},
	{"comment", 2, "comment", func(g *gen) string { return "Observed during " + g.word() + " analysis" }},
}

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

func (g *gen) domain(hostname bool) string {
	if v := g.pick(g.pools.domains, 450); v != "" {
		return v
	}
	p := g.r.IntN(1000)
	switch {
	case p < 15:
		return g.oneOf(junkDomains)
	case p < 30:
		return g.oneOf(g.benign.hosts)
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
	if v := g.pick(g.pools.ips, 450); v != "" {
		return v
	}
	p := g.r.IntN(1000)
	switch {
	case p < 20:
		return g.oneOf(junkIPs)
	case p < 45:
		return g.oneOf(g.benign.ips)
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

// eventRand is the random source of generated event e: it depends on the
// seed and e only, so generation gives the same bytes on any number of
// workers.
func eventRand(seed int64, e int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), uint64(e)*0x9e3779b97f4a7c15+1))
}

// generate adds n generated attributes in events of attrsPerEvent.
func (s *Server) generate(n int) error {
	pools, err := readPools(s.opts.DataDir)
	if err != nil {
		return err
	}
	prefix := s.opts.TagPrefix
	if prefix == "" {
		prefix = "cratos"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	benign := collectBenign(st.wls)
	s.registerClassTags(prefix)
	classTags := make([]int32, len(classes))
	for i, c := range classes {
		classTags[i] = st.tag(classTag(prefix, c.name), "")
	}
	tlpTags := []int32{st.tag("tlp:white", ""), st.tag("tlp:green", ""), st.tag("tlp:amber", ""), st.tag("tlp:clear", "")}
	osint := st.tag("type:OSINT", "#004646")
	galaxy := st.tag(`misp-galaxy:threat-actor="Sofacy"`, "#0088cc")
	orgs := []int32{
		st.org("CIRCL", "55f6ea5e-2c60-40e5-964f-47a8950d210f"),
		st.org("ESET", "55f6ea5e-51ac-4344-bc8c-4170950d210f"),
		st.org("Cratos Demo CERT", ""),
		st.org("ACME SOC", ""),
		0,
	}
	typeIDs := make([]uint16, len(genTypes))
	catIDs := make([]uint16, len(genTypes))
	idsByDefault := make([]bool, len(genTypes))
	cum := make([]int, len(genTypes))
	total := 0
	for i, t := range genTypes {
		typeIDs[i] = st.typeID(t.name)
		catIDs[i] = st.catID(defaultCategory(t.name))
		idsByDefault[i] = defaultToIDs(t.name)
		if len(s.opts.GenerateTypes) == 0 || slices.Contains(s.opts.GenerateTypes, t.name) {
			total += t.weight
		}
		cum[i] = total
	}
	if total == 0 {
		return fmt.Errorf("generate: none of the types %v can be generated", s.opts.GenerateTypes)
	}

	nEvents := (n + attrsPerEvent - 1) / attrsPerEvent
	evBase, attrBase, objBase := st.maxEventID, st.maxAttrID, st.maxObjectID
	now := s.opts.Now().Unix()
	firstEvent := int32(len(st.events))
	seed := s.opts.Seed
	for e := range nEvents {
		g := &gen{r: eventRand(seed, e), pools: pools, benign: benign}
		er := &eventRec{
			id:        evBase + int64(e) + 1,
			uuid:      g.uuid(),
			info:      "OSINT - " + g.oneOf(families) + " campaign wave " + strconv.Itoa(e+1),
			published: g.r.IntN(100) < 65,
			orgc:      orgs[g.r.IntN(len(orgs))],
		}
		er.tags = []int32{tlpTags[g.r.IntN(len(tlpTags))], classTags[classIndex(g.r.Uint64())]}
		if g.r.IntN(2) == 0 {
			er.tags = append(er.tags, osint)
		}
		if g.r.IntN(10) == 0 {
			er.tags = append(er.tags, galaxy)
		}
		er.json = st.encodeEvent(nil, er, "")
		idx := int32(len(st.events))
		st.events = append(st.events, er)
		st.eventByID[er.id] = idx
		st.eventByUUID[er.uuid] = idx
	}

	fpSet := st.tagSet([]int32{classTags[len(classTags)-1]})
	classSets := make([]int32, len(classTags))
	for i, t := range classTags {
		classSets[i] = st.tagSet([]int32{t})
	}
	amberSet := st.tagSet([]int32{tlpTags[2]})

	// Workers fill st.attrs in place, each from its own arena; chunk
	// numbers are made global afterwards.
	start := len(st.attrs)
	st.attrs = slices.Grow(st.attrs, n)[:start+n]
	workers := min(runtime.GOMAXPROCS(0), nEvents)
	arenas := make([]arena, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := nEvents*w/workers, nEvents*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			ar := &arenas[w]
			var buf []byte
			for e := lo; e < hi; e++ {
				// A second stream, so attribute values do not depend on how
				// many draws the event header took.
				g := &gen{r: eventRand(seed^0x5bd1e995, e), pools: pools, benign: benign}
				ei := firstEvent + int32(e)
				er := st.events[ei]
				count := min(attrsPerEvent, n-e*attrsPerEvent)
				var objID int64
				objLeft := 0
				for k := range count {
					ti := pickType(cum, g.r.IntN(total))
					gt := &genTypes[ti]
					a := Attribute{
						ID:        attrBase + int64(e*attrsPerEvent+k) + 1,
						UUID:      g.uuid(),
						Type:      gt.name,
						Category:  st.catNames[catIDs[ti]],
						Value:     gt.value(g),
						Timestamp: now - g.r.Int64N(generatedSpan),
					}
					if idsByDefault[ti] {
						a.ToIDS = g.r.IntN(100) < 85
					} else {
						a.ToIDS = g.r.IntN(100) < 5
					}
					a.Deleted = g.r.IntN(1000) < 5
					if g.r.IntN(10) == 0 {
						a.Comment = g.oneOf([]string{"Imported from partner feed", "Seen in phishing wave", "C2 — confirmed by sandbox", "Reported by customer SOC", "false positive?"})
					}
					if gt.relation != "" && objLeft == 0 && g.r.IntN(100) < 3 {
						objID = objBase + int64(e*attrsPerEvent+k) + 1
						objLeft = 2 + g.r.IntN(3)
					}
					if objLeft > 0 && gt.relation != "" {
						a.ObjectID, a.ObjectRelation = objID, gt.relation
						objLeft--
					}
					set := int32(0)
					switch t := g.r.IntN(1000); {
					case t < 2:
						set = fpSet
					case t < 5:
						set = classSets[classIndex(g.r.Uint64())]
					case t < 7:
						set = amberSet
					}
					buf = st.encodeAttr(buf[:0], &a, er, st.tagSets[set])
					r := attrRec{
						id: a.ID, ts: a.Timestamp, value: a.Value, tagSet: set,
						event: ei, typ: typeIDs[ti], cat: catIDs[ti], n: uint32(len(buf)),
					}
					if a.ToIDS {
						r.flags |= flagToIDS
					}
					if a.Deleted {
						r.flags |= flagDeleted
					}
					if a.ObjectID != 0 {
						r.flags |= flagInObject
					}
					r.chunk, r.off = ar.add(buf)
					st.attrs[start+e*attrsPerEvent+k] = r
				}
			}
		}()
	}
	wg.Wait()
	for w := range workers {
		base := uint32(len(st.arena.chunks))
		st.arena.chunks = append(st.arena.chunks, arenas[w].chunks...)
		lo, hi := start+nEvents*w/workers*attrsPerEvent, start+min(n, nEvents*(w+1)/workers*attrsPerEvent)
		for i := lo; i < hi; i++ {
			st.attrs[i].chunk += base
		}
	}
	st.maxEventID = evBase + int64(nEvents)
	st.maxAttrID = attrBase + int64(n)
	st.maxObjectID = objBase + int64(n)
	st.finishEvents(firstEvent, now)
	st.gen++
	return nil
}

func classIndex(h uint64) int {
	c := classFor(h)
	for i := range classes {
		if classes[i].name == c {
			return i
		}
	}
	return 0
}

func pickType(cum []int, x int) int {
	lo, hi := 0, len(cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

func defaultToIDs(t string) bool {
	for i := range knownTypes {
		if knownTypes[i].name == t {
			return knownTypes[i].toIDs
		}
	}
	return false
}

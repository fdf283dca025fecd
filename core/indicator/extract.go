package indicator

import (
	"net/netip"
	"strings"
)

// Attribute is the part of a MISP attribute the pipeline reads.
type Attribute struct {
	Type      string
	Value     string
	Category  string
	UUID      string
	EventID   int64
	Timestamp int64
	ToIDS     bool
}

// DefaultExpandLimit is the shortest IPv4 prefix length that a data type
// yielding both addresses and nets (ipv4ext) expands into addresses: a /16
// gives 65,536 lines; a /15 or wider stays a net.
const DefaultExpandLimit = 16

// Stats counts what an Extractor did with the attributes it was given.
type Stats struct {
	// Attributes is the number of attributes read.
	Attributes int
	// Invalid counts values of a wanted kind that failed validation; they
	// are dropped.
	Invalid int
	// Skipped counts valid values of kinds the data type does not yield
	// (a CIDR in the ipv4 data type, an unknown MISP type).
	Skipped int
	// Expanded counts IPv4 nets expanded into addresses.
	Expanded int
	// KeptNets counts IPv4 nets too wide to expand, kept as nets.
	KeptNets int
}

// Add adds o's counts to s.
func (s *Stats) Add(o Stats) {
	s.Attributes += o.Attributes
	s.Invalid += o.Invalid
	s.Skipped += o.Skipped
	s.Expanded += o.Expanded
	s.KeptNets += o.KeptNets
}

// Extractor turns MISP attributes into canonical indicators of one data
// type. It is not safe for concurrent use.
type Extractor struct {
	dt          DataType
	expandLimit int
	stats       Stats
	text        textBlocks // AddBorrowed's copies
	pairOut     func(other Indicator) bool
}

// NewExtractor returns an Extractor for dt. expandLimit is the shortest
// IPv4 prefix length expanded into addresses, value by value, when dt
// yields both IPv4 and IPv4Net; 0 means DefaultExpandLimit, and a
// negative limit keeps every net as a net so that the caller can expand
// them later under a total budget (ExpandNets).
func NewExtractor(dt DataType, expandLimit int) *Extractor {
	if expandLimit == 0 || expandLimit > 32 {
		expandLimit = DefaultExpandLimit
	}
	return &Extractor{dt: dt, expandLimit: expandLimit}
}

// Stats returns the counts so far.
func (x *Extractor) Stats() Stats { return x.stats }

// Add appends the indicators attribute a yields to dst and returns it.
// Composite MISP types are split by their type, not by searching the value.
func (x *Extractor) Add(dst []Indicator, a Attribute) []Indicator {
	x.stats.Attributes++
	base := Indicator{MISPType: a.Type, Category: a.Category, UUID: a.UUID, EventID: a.EventID, Timestamp: a.Timestamp, ToIDS: a.ToIDS}
	switch a.Type {
	case "ip-src", "ip-dst":
		return x.addIP(dst, base, a.Value, x.dt.Name == "cidr4")
	case "ip-src|port", "ip-dst|port":
		left, right, ok := splitComposite(a.Value)
		if !ok {
			return x.invalid(dst)
		}
		from := len(dst)
		return x.checkPair(x.addIP(dst, base, left, false), from, base, textHalf, right)
	case "domain|ip":
		left, right, ok := splitComposite(a.Value)
		if !ok {
			return x.invalid(dst)
		}
		from := len(dst)
		if x.wantsName() {
			return x.checkPair(x.addName(dst, base, left), from, base, ipHalf, right)
		}
		return x.checkPair(x.addIP(dst, base, right, false), from, base, nameHalf, left)
	case "domain", "hostname":
		return x.addName(dst, base, a.Value)
	case "hostname|port":
		left, right, ok := splitComposite(a.Value)
		if !ok {
			return x.invalid(dst)
		}
		from := len(dst)
		return x.checkPair(x.addName(dst, base, left), from, base, textHalf, right)
	case "md5", "sha1", "sha256":
		return x.addHash(dst, base, a.Type, a.Value)
	case "filename|md5", "filename|sha1", "filename|sha256", "malware-sample":
		left, right, ok := splitComposite(a.Value)
		if !ok {
			return x.invalid(dst)
		}
		h := strings.TrimPrefix(a.Type, "filename|")
		if a.Type == "malware-sample" {
			h = "md5"
		}
		from := len(dst)
		return x.checkPair(x.addHash(dst, base, h, right), from, base, textHalf, left)
	case "btc", "xmr":
		return x.add(dst, base, CryptoCurrency, a.Value, func(s string) (string, error) { return CanonicalCrypto(a.Type, s) })
	}
	if k, ok := singleKinds[a.Type]; ok {
		return x.add(dst, base, k.t, a.Value, k.canon)
	}
	x.stats.Skipped++
	return dst
}

// singleKinds maps each MISP type whose value is one indicator of a fixed
// kind to that kind and its canonical form.
var singleKinds = map[string]struct {
	t     Type
	canon func(string) (string, error)
}{
	"url":                     {URL, CanonicalURL},
	"email-src":               {Email, CanonicalEmail},
	"email-dst":               {Email, CanonicalEmail},
	"email":                   {Email, CanonicalEmail},
	"email-subject":           {EmailSubject, CanonicalLine},
	"email-attachment":        {EmailAttachment, CanonicalLine},
	"mutex":                   {Mutex, CanonicalLine},
	"snort":                   {Snort, CanonicalRule},
	"yara":                    {Yara, CanonicalRule},
	"sigma":                   {Sigma, CanonicalRule},
	"x509-fingerprint-md5":    {X509MD5, hexOf(32)},
	"x509-fingerprint-sha1":   {X509SHA1, hexOf(40)},
	"x509-fingerprint-sha256": {X509SHA256, hexOf(64)},
	"vulnerability":           {Vulnerability, CanonicalCVE},
	"ja3-fingerprint-md5":     {JA3, hexOf(32)},
	"hassh-md5":               {HASSH, hexOf(32)},
	"hasshserver-md5":         {HASSHServer, hexOf(32)},
	"imphash":                 {Imphash, hexOf(32)},
}

func (x *Extractor) invalid(dst []Indicator) []Indicator {
	x.stats.Invalid++
	return dst
}

func (x *Extractor) wantsName() bool { return x.dt.Yields.Has(Domain) || x.dt.Yields.Has(Hostname) }

func (x *Extractor) add(dst []Indicator, in Indicator, t Type, v string, canon func(string) (string, error)) []Indicator {
	if !x.dt.Yields.Has(t) {
		x.stats.Skipped++
		return dst
	}
	c, err := canon(v)
	if err != nil {
		return x.invalid(dst)
	}
	in.Type, in.Value = t, c
	return append(dst, in)
}

func (x *Extractor) addHash(dst []Indicator, in Indicator, kind, v string) []Indicator {
	switch kind {
	case "md5":
		return x.add(dst, in, MD5, v, hexOf(32))
	case "sha1":
		return x.add(dst, in, SHA1, v, hexOf(40))
	case "sha256":
		return x.add(dst, in, SHA256, v, hexOf(64))
	}
	x.stats.Skipped++
	return dst
}

func hexOf(n int) func(string) (string, error) {
	return func(s string) (string, error) { return CanonicalHex(s, n) }
}

func (x *Extractor) addName(dst []Indicator, in Indicator, v string) []Indicator {
	t := Hostname
	if x.dt.Yields.Has(Domain) {
		t = Domain
	}
	return x.add(dst, in, t, v, CanonicalHost)
}

// addIP adds an address or prefix. keepHostPrefix keeps a full-length
// prefix written with a slash ("192.0.2.1/32") as a net, for cidr4.
func (x *Extractor) addIP(dst []Indicator, in Indicator, v string, keepHostPrefix bool) []Indicator {
	// An address already in its canonical text, as most are, is itself.
	a, ok := dottedQuad(v)
	p, t, text := netip.PrefixFrom(a, 32), IPv4, v
	if !ok {
		var err error
		if p, err = CanonicalIP(v); err != nil {
			if x.wantsIP() {
				return x.invalid(dst)
			}
			x.stats.Skipped++
			return dst
		}
		t, text = ipType(p, v)
		if keepHostPrefix && t == IPv4 && strings.Contains(v, "/") {
			t, text = IPv4Net, prefixText(p, v)
		}
	}
	switch {
	case x.dt.Yields.Has(t):
		if t == IPv4Net && x.dt.Yields.Has(IPv4) && x.expandLimit > 0 {
			if p.Bits() >= x.expandLimit {
				x.stats.Expanded++
				return expand(dst, in, p)
			}
			x.stats.KeptNets++
		}
		in.Type, in.Value = t, text
		return append(dst, in)
	}
	x.stats.Skipped++
	return dst
}

func (x *Extractor) wantsIP() bool {
	return x.dt.Yields&SetOf(IPv4, IPv4Net, IPv6, IPv6Net) != 0
}

// expand appends every address of the IPv4 prefix p, network and broadcast
// addresses included, as the original's ipv4ext does.
func expand(dst []Indicator, in Indicator, p netip.Prefix) []Indicator {
	in.Type = IPv4
	for a := p.Addr(); a.IsValid() && p.Contains(a); a = a.Next() {
		in.Value = a.String()
		dst = append(dst, in)
	}
	return dst
}

// splitComposite splits a composite MISP value "left|right" at its last
// '|' (no MISP composite right-hand part contains one).
func splitComposite(v string) (left, right string, ok bool) {
	i := strings.LastIndexByte(v, '|')
	if i <= 0 || i == len(v)-1 {
		return "", "", false
	}
	return v[:i], v[i+1:], true
}

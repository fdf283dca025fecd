package mispsim

import (
	"encoding/binary"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// wlIndex is the matching structure over all enabled warninglists: one
// combined table per kind, each hit naming the lists that contain it.
type wlIndex struct {
	lists  []*warninglist
	v4     map[uint64][]int32 // addr<<8 | prefix length
	v4bits []int
	v6     map[[17]byte][]int32 // masked addr + prefix length
	v6bits []int
	host   map[string][]int32
	str    map[string][]int32
	subs   []wlSub
	regex  []wlRegexp
	kinds  []string // per list
	// per attribute type name: which lists apply
	typeCache map[string]*typeLists
}

type wlSub struct {
	list int32
	ac   *acMatcher
}

type wlRegexp struct {
	list int32
	re   *regexp.Regexp // nil: the pattern never matches
}

type typeLists struct {
	applies []bool // by list index
	kinds   uint8  // bit set of kinds with at least one applicable list
}

const (
	kCIDR = 1 << iota
	kHost
	kString
	kSub
	kRegex
)

func kindBit(k string) uint8 {
	switch k {
	case wlCIDR:
		return kCIDR
	case wlHostname:
		return kHost
	case wlString:
		return kString
	case wlSubstring:
		return kSub
	case wlRegex:
		return kRegex
	}
	return 0
}

func buildWLIndex(wls []*warninglist) *wlIndex {
	ix := &wlIndex{
		v4:        map[uint64][]int32{},
		v6:        map[[17]byte][]int32{},
		host:      map[string][]int32{},
		str:       map[string][]int32{},
		typeCache: map[string]*typeLists{},
	}
	var v4bits, v6bits [129]bool
	for _, wl := range wls {
		if !wl.enabled {
			continue
		}
		li := int32(len(ix.lists))
		ix.lists = append(ix.lists, wl)
		ix.kinds = append(ix.kinds, wl.kind)
		var subPatterns []string
		for _, e := range wl.entries {
			v := e.value
			switch wl.kind {
			case wlCIDR:
				p, ok := parseListCIDR(v)
				if !ok {
					continue
				}
				if p.Addr().Is4() {
					key := uint64(binary.BigEndian.Uint32(p.Addr().AsSlice()))<<8 | uint64(p.Bits())
					ix.v4[key] = appendUnique(ix.v4[key], li)
					v4bits[p.Bits()] = true
				} else {
					var key [17]byte
					a := p.Addr().As16()
					copy(key[:16], a[:])
					key[16] = byte(p.Bits())
					ix.v6[key] = appendUnique(ix.v6[key], li)
					v6bits[p.Bits()] = true
				}
			case wlHostname:
				h := strings.ToLower(strings.Trim(v, "."))
				ix.host[h] = appendUnique(ix.host[h], li)
			case wlString:
				ix.str[v] = appendUnique(ix.str[v], li)
			case wlSubstring:
				subPatterns = append(subPatterns, v)
			case wlRegex:
				re, err := compilePHPRegex(v)
				if err != nil {
					re = nil
				}
				ix.regex = append(ix.regex, wlRegexp{list: li, re: re})
			}
		}
		if len(subPatterns) > 0 {
			ix.subs = append(ix.subs, wlSub{list: li, ac: newACMatcher(subPatterns)})
		}
	}
	for b := 0; b <= 32; b++ {
		if v4bits[b] {
			ix.v4bits = append(ix.v4bits, b)
		}
	}
	for b := 0; b <= 128; b++ {
		if v6bits[b] {
			ix.v6bits = append(ix.v6bits, b)
		}
	}
	return ix
}

// parseListCIDR reads a cidr list entry the way MISP's CIDR table stores
// it: a bare address is a /32 or /128; an IPv4 entry with host bits set
// never matches, an IPv6 one is masked.
func parseListCIDR(v string) (netip.Prefix, bool) {
	addrPart, maskPart, hasMask := strings.Cut(v, "/")
	a, err := netip.ParseAddr(addrPart)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	bits := a.BitLen()
	if hasMask {
		n, err := strconv.Atoi(maskPart)
		if err != nil || n < 0 || n > a.BitLen() {
			return netip.Prefix{}, false
		}
		bits = n
	}
	p := netip.PrefixFrom(a, bits)
	m := p.Masked()
	if a.Is4() && m.Addr() != a {
		return netip.Prefix{}, false
	}
	return m, true
}

func (ix *wlIndex) forType(t string) *typeLists {
	if tl, ok := ix.typeCache[t]; ok {
		return tl
	}
	tl := &typeLists{applies: make([]bool, len(ix.lists))}
	for i, wl := range ix.lists {
		if slices.Contains(wl.types, "ALL") || slices.Contains(wl.types, t) {
			tl.applies[i] = true
			tl.kinds |= kindBit(wl.kind)
		}
	}
	ix.typeCache[t] = tl
	return tl
}

func (tl *typeLists) any(lists []int32) bool {
	for _, l := range lists {
		if tl.applies[l] {
			return true
		}
	}
	return false
}

// hit reports whether an attribute value of the given type is on an
// enabled warninglist that applies to the type. Composite values (and
// malware-sample) are checked half by half, in the case MISP stores them.
func (ix *wlIndex) hit(tl *typeLists, typ, value string) bool {
	if tl.kinds == 0 {
		return false
	}
	value = storedCase(typ, value)
	if typ == "malware-sample" || strings.Contains(typ, "|") {
		a, b, ok := strings.Cut(value, "|")
		if ok {
			return ix.hitOne(tl, a) || ix.hitOne(tl, b)
		}
	}
	return ix.hitOne(tl, value)
}

func (ix *wlIndex) hitOne(tl *typeLists, v string) bool {
	if tl.kinds&kCIDR != 0 && ix.hitCIDR(tl, v) {
		return true
	}
	if tl.kinds&kString != 0 {
		if l, ok := ix.str[v]; ok && tl.any(l) {
			return true
		}
	}
	if tl.kinds&kHost != 0 && ix.hitHost(tl, v) {
		return true
	}
	if tl.kinds&kSub != 0 {
		for _, sub := range ix.subs {
			if tl.applies[sub.list] && sub.ac.match(v) {
				return true
			}
		}
	}
	if tl.kinds&kRegex != 0 {
		for _, r := range ix.regex {
			if tl.applies[r.list] && r.re != nil && r.re.MatchString(v) {
				return true
			}
		}
	}
	return false
}

// hitCIDR: the value (an address, optionally with /mask) lies in a listed
// network; with a mask, the network must be at least as wide as the value's.
func (ix *wlIndex) hitCIDR(tl *typeLists, v string) bool {
	addrPart, maskPart, hasMask := strings.Cut(v, "/")
	if hasMask {
		maskPart, _, _ = strings.Cut(maskPart, "/")
	}
	a, err := netip.ParseAddr(addrPart)
	if err != nil || a.Zone() != "" {
		return false
	}
	valueMask := -1
	if hasMask {
		if n, err := strconv.Atoi(maskPart); err == nil && n > 0 {
			valueMask = n
		}
	}
	if a.Is4() {
		ip := uint64(binary.BigEndian.Uint32(a.AsSlice()))
		for _, bits := range ix.v4bits {
			if valueMask >= 0 && bits > valueMask {
				break
			}
			masked := ip
			if bits < 32 {
				masked = ip &^ (1<<(32-bits) - 1)
			}
			if l, ok := ix.v4[masked<<8|uint64(bits)]; ok && tl.any(l) {
				return true
			}
		}
		return false
	}
	for _, bits := range ix.v6bits {
		if valueMask >= 0 && bits > valueMask {
			break
		}
		p, err := a.Prefix(bits)
		if err != nil {
			continue
		}
		var key [17]byte
		b := p.Addr().As16()
		copy(key[:16], b[:])
		key[16] = byte(bits)
		if l, ok := ix.v6[key]; ok && tl.any(l) {
			return true
		}
	}
	return false
}

// hitHost takes the host part of a value (the text before the first "/",
// or the third "/"-separated part when the value contains "//"), drops
// trailing dots and looks the host and each parent domain up, in the
// value's case: only the entries are in lower case.
func (ix *wlIndex) hitHost(tl *typeLists, v string) bool {
	var host string
	if strings.Contains(v, "//") {
		parts := strings.SplitN(v, "/", 4)
		if len(parts) < 3 {
			return false
		}
		host = parts[2]
	} else {
		host, _, _ = strings.Cut(v, "/")
	}
	host = strings.TrimRight(host, ".")
	for {
		if l, ok := ix.host[host]; ok && tl.any(l) {
			return true
		}
		i := strings.IndexByte(host, '.')
		if i < 0 {
			return false
		}
		host = host[i+1:]
	}
}

// lowerTypes are the types whose values MISP stores in lower case
// (AttributeValidationTool::modifyBeforeValidation), upperTypes those it
// stores in upper case.
var lowerTypes, upperTypes = map[string]bool{}, map[string]bool{}

func init() {
	for _, t := range strings.Fields(`md5 sha1 sha224 sha256 sha384 sha512 sha512/224 sha512/256
		sha3-224 sha3-256 sha3-384 sha3-512 ja3-fingerprint-md5 jarm-fingerprint hassh-md5
		hasshserver-md5 hostname pehash authentihash vhash imphash telfhash tlsh anonymised cdhash
		email email-src email-dst target-email whois-registrant-email dom-hash onion-address domain
		domain|ip x509-fingerprint-md5 x509-fingerprint-sha256 x509-fingerprint-sha1`) {
		lowerTypes[t] = true
	}
	for _, t := range strings.Fields("http-method hex vulnerability weakness iban bic") {
		upperTypes[t] = true
	}
}

// storedCase returns value in the case MISP stores it for typ, which is
// the case its warninglists compare: the emulator keeps values as they
// were given. filename|<hash> types have their hash in lower case.
func storedCase(typ, value string) string {
	switch {
	case lowerTypes[typ]:
		return strings.ToLower(value)
	case upperTypes[typ]:
		return strings.ToUpper(value)
	case strings.HasPrefix(typ, "filename|") && lowerTypes[typ[len("filename|"):]]:
		if name, hash, ok := strings.Cut(value, "|"); ok {
			return name + "|" + strings.ToLower(hash)
		}
	}
	return value
}

package dnsprimary

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// DefaultJournalSize is the number of serial diffs kept for IXFR when
// Zone.JournalSize is zero.
const DefaultJournalSize = 32

// DefaultTSIGAlgorithm is the TSIG algorithm used when TSIGKey.Algorithm is
// empty.
const DefaultTSIGAlgorithm = "hmac-sha256"

// Zone configures one zone served by the Server.
type Zone struct {
	// Name is the zone origin, e.g. "rpz.cratos." (the trailing dot is
	// optional, case is ignored).
	Name string
	// Source returns the zone as master-file text: $TTL, an apex SOA, NS
	// and the policy records with owners relative to the origin, as the
	// rpz renderer writes it. The SOA serial in the text is ignored.
	Source func(ctx context.Context) (string, error)
	// Refresh is the interval of the background rebuild; zero disables it
	// (the caller then rebuilds with Server.Refresh).
	Refresh time.Duration
	// AllowTransfer lists the client prefixes allowed to transfer the
	// zone. Empty allows nobody; loopback is allowed only when listed.
	AllowTransfer []netip.Prefix
	// AllowQuery lists the client prefixes whose ordinary queries are
	// answered (anyone else could test names against the block list);
	// empty means AllowTransfer. AllowTransfer always gets the apex SOA,
	// which a secondary asks for before every transfer.
	AllowQuery []netip.Prefix
	// Notify lists the secondaries (host:port) told of every new serial.
	Notify []string
	// TSIG, when set, is the key that AXFR and IXFR requests must be
	// signed with; unsigned or otherwise signed transfers are refused.
	TSIG *TSIGKey
	// JournalSize is the number of past serial diffs kept for IXFR:
	// DefaultJournalSize when zero, none when negative.
	JournalSize int
}

// TSIGKey is a shared transaction-signature key (RFC 8945).
type TSIGKey struct {
	Name string // key name, e.g. "cratos-xfr"
	// Algorithm is hmac-sha1, hmac-sha224, hmac-sha256 (default),
	// hmac-sha384 or hmac-sha512, or one of them with the length in bits
	// its MACs may be truncated to, as BIND spells it: hmac-sha256-128.
	Algorithm string
	Secret    string // base64
}

// zoneConfig is a validated Zone.
type zoneConfig struct {
	Zone
	origin  string // canonical fqdn
	key     *tsigKey
	journal int
}

func (z Zone) validate() (*zoneConfig, error) {
	origin := dns.CanonicalName(z.Name)
	if _, ok := dns.IsDomainName(origin); !ok || z.Name == "" {
		return nil, fmt.Errorf("zone name %q is not a domain name", z.Name)
	}
	if z.Source == nil {
		return nil, fmt.Errorf("zone %s: no Source", origin)
	}
	if z.Refresh < 0 {
		return nil, fmt.Errorf("zone %s: negative Refresh %v", origin, z.Refresh)
	}
	for _, p := range z.AllowTransfer {
		if !p.IsValid() {
			return nil, fmt.Errorf("zone %s: invalid AllowTransfer prefix", origin)
		}
	}
	for _, n := range z.Notify {
		if _, port, err := net.SplitHostPort(n); err != nil || port == "" {
			return nil, fmt.Errorf("zone %s: notify target %q is not host:port", origin, n)
		}
	}
	c := &zoneConfig{Zone: z, origin: origin, journal: z.JournalSize}
	switch {
	case c.journal == 0:
		c.journal = DefaultJournalSize
	case c.journal < 0:
		c.journal = 0
	}
	if z.TSIG != nil {
		k, err := z.TSIG.validate()
		if err != nil {
			return nil, fmt.Errorf("zone %s: %w", origin, err)
		}
		c.key = k
	}
	return c, nil
}

// Serial arithmetic (RFC 1982) on 32-bit SOA serials: s1 is less than s2
// when s2-s1, taken modulo 2^32, lies strictly between 0 and 2^31. A
// difference of exactly 2^31 is undefined and compares as neither.
func serialLess(s1, s2 uint32) bool {
	return s1 != s2 && int32(s2-s1) > 0
}

// nextSerial returns the serial following cur for a content change at
// time now: the greater, in serial arithmetic, of cur+1 and the unix time.
//
// The result is always greater than cur, so the serial never goes
// backwards: when the clock steps back, or the unix time has left the
// 2^31 window ahead of cur, cur+1 is used. cur+1 wraps from 4294967295 to
// 0, which serial arithmetic orders after 4294967295; the unix time
// itself wraps in 2106 and is compared the same way, so the sequence
// continues across both wraps.
func nextSerial(cur uint32, now time.Time) uint32 {
	next := cur + 1
	if t := uint32(now.Unix()); serialLess(next, t) {
		return t
	}
	return next
}

// record is one resource record of a zone with its identity key: the
// owner's labels in reverse order (canonical name order), then the record
// in wire form after the owner (type, class, TTL, RDATA). Records are
// sorted and compared by key.
type record struct {
	rr  dns.RR
	key string
}

// newRecord rewrites the owner of rr in one spelling, lower case with
// the escapes the DNS library writes (so that "\065bc", "ABC" and "abc",
// or "a\032b" and "a\ b", are one owner, as they are on the wire), and
// computes its key; buf is scratch space for packing.
func newRecord(rr dns.RR, buf []byte) (record, []byte, error) {
	h := rr.Header()
	if n := dns.Len(rr); n > len(buf) {
		buf = make([]byte, max(n, 2*len(buf)))
	}
	end, err := dns.PackRR(rr, buf, 0, nil, false)
	if err != nil {
		return record{}, buf, fmt.Errorf("%s: %w", h.Name, err)
	}
	ownerLen := wireNameLen(buf)
	if strings.ContainsAny(h.Name, ownerRespelled) {
		lowerWireName(buf[:ownerLen])
		if h.Name, _, err = dns.UnpackDomainName(buf, 0); err != nil {
			return record{}, buf, fmt.Errorf("%s: %w", h.Name, err)
		}
	}
	var b strings.Builder
	b.Grow(len(h.Name) + 2 + end - ownerLen)
	idx := dns.Split(h.Name)
	for i := len(idx) - 1; i >= 0; i-- {
		stop := len(h.Name) - 1
		if i+1 < len(idx) {
			stop = idx[i+1] - 1
		}
		b.WriteString(h.Name[idx[i]:stop])
		b.WriteByte(0)
	}
	b.WriteByte(0)
	b.Write(buf[ownerLen:end])
	return record{rr: rr, key: b.String()}, buf, nil
}

// wireNameLen returns the length of the uncompressed name at the start of
// msg.
func wireNameLen(msg []byte) int {
	off := 0
	for off < len(msg) && msg[off] != 0 {
		off += int(msg[off]) + 1
	}
	return off + 1
}

// ownerRespelled are the characters of an owner name that newRecord
// respells (upper case, escapes); a name without any, the usual one, is
// already in its one spelling.
const ownerRespelled = `\ABCDEFGHIJKLMNOPQRSTUVWXYZ`

// lowerWireName lower-cases the ASCII letters of the uncompressed name
// name, in place.
func lowerWireName(name []byte) {
	for off := 0; off < len(name) && name[off] != 0; off += int(name[off]) + 1 {
		for i := off + 1; i <= off+int(name[off]) && i < len(name); i++ {
			if c := name[i]; 'A' <= c && c <= 'Z' {
				name[i] = c + 'a' - 'A'
			}
		}
	}
}

func compareRecords(a, b record) int { return strings.Compare(a.key, b.key) }

// parsed is the result of reading a zone's master-file text.
type parsed struct {
	soa     *dns.SOA // serial as in the text
	records []record // every record but the SOA, sorted, without duplicates
}

// errNoSOA is returned for a text without an apex SOA.
var errNoSOA = errors.New("no SOA record at the zone apex")

// parseZone reads master-file text for origin (a canonical fqdn).
func parseZone(text, origin string) (*parsed, error) {
	zp := dns.NewZoneParser(strings.NewReader(text), origin, "")
	p := &parsed{}
	buf := make([]byte, 512)
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		h := rr.Header()
		if h.Class != dns.ClassINET {
			return nil, fmt.Errorf("%s: class %s, want IN", h.Name, dns.ClassToString[h.Class])
		}
		if !inZone(h.Name, origin) {
			return nil, fmt.Errorf("%s: owner outside the zone %s", h.Name, origin)
		}
		if soa, ok := rr.(*dns.SOA); ok {
			if !strings.EqualFold(h.Name, origin) {
				return nil, fmt.Errorf("%s: SOA below the zone apex", h.Name)
			}
			if p.soa != nil {
				return nil, errors.New("more than one SOA record")
			}
			h.Name = origin
			p.soa = soa
			continue
		}
		r, b, err := newRecord(rr, buf)
		if err != nil {
			return nil, err
		}
		buf = b
		p.records = append(p.records, r)
	}
	if err := zp.Err(); err != nil {
		return nil, err
	}
	if p.soa == nil {
		return nil, errNoSOA
	}
	slices.SortFunc(p.records, compareRecords)
	p.records = slices.CompactFunc(p.records, func(a, b record) bool { return a.key == b.key })
	if err := checkCNAMEs(p.records); err != nil {
		return nil, err
	}
	return p, nil
}

// inZone reports whether name is origin or below it (origin is canonical).
func inZone(name, origin string) bool {
	if strings.ContainsRune(name, '\\') {
		return dns.IsSubDomain(origin, name) // escapes: compare label by label
	}
	n := len(name) - len(origin)
	return n >= 0 && strings.EqualFold(name[n:], origin) && (n == 0 || name[n-1] == '.' || origin == ".")
}

// checkCNAMEs rejects what a secondary would refuse to load: a CNAME next
// to other data, or two CNAMEs, at one owner. Records are sorted, so the
// records of an owner are adjacent.
func checkCNAMEs(recs []record) error {
	for i := 0; i < len(recs); {
		owner := recs[i].rr.Header().Name
		j, cnames := i, 0
		for ; j < len(recs) && recs[j].rr.Header().Name == owner; j++ {
			if recs[j].rr.Header().Rrtype == dns.TypeCNAME {
				cnames++
			}
		}
		switch {
		case cnames > 1:
			return fmt.Errorf("%s: more than one CNAME", owner)
		case cnames == 1 && j-i > 1:
			return fmt.Errorf("%s: CNAME and other data", owner)
		}
		i = j
	}
	return nil
}

// sameSOA reports whether two SOA records are equal but for the serial.
func sameSOA(a, b *dns.SOA) bool {
	return a.Hdr.Ttl == b.Hdr.Ttl &&
		strings.EqualFold(a.Ns, b.Ns) && strings.EqualFold(a.Mbox, b.Mbox) &&
		a.Refresh == b.Refresh && a.Retry == b.Retry && a.Expire == b.Expire && a.Minttl == b.Minttl
}

// diff returns the records of old missing from cur (removed) and those of
// cur missing from old (added); both inputs are sorted by key.
func diff(old, cur []record) (removed, added []dns.RR) {
	i, j := 0, 0
	for i < len(old) && j < len(cur) {
		switch c := strings.Compare(old[i].key, cur[j].key); {
		case c < 0:
			removed = append(removed, old[i].rr)
			i++
		case c > 0:
			added = append(added, cur[j].rr)
			j++
		default:
			i++
			j++
		}
	}
	for ; i < len(old); i++ {
		removed = append(removed, old[i].rr)
	}
	for ; j < len(cur); j++ {
		added = append(added, cur[j].rr)
	}
	return removed, added
}

package rpz

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/banner"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
)

// Renderer renders a response policy zone. The zero value is ready to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, options]

var info = renderers.Info{
	Name:        "rpz",
	Reads:       renderers.FieldValue,
	Description: "BIND response policy zone (master file): QNAME triggers for names, rpz-ip triggers for addresses and nets",
	ContentType: "text/dns",
	Extension:   ".rpz",
	Types: []indicator.Type{
		indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net,
		indicator.Domain, indicator.Hostname,
	},
	Options: optionDocs,
}

func init() { renderers.Register(Renderer{}) }

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

// Record is one resource record of the zone, in master-file text form.
type Record struct {
	Owner string // relative to the zone origin; "@" is the apex
	TTL   uint32
	Type  string // "SOA", "NS" or "CNAME"
	Data  string // RDATA as written in the master file
}

// Records returns the zone's records in the order Render writes them: SOA,
// NS, then the triggers. Entries left out are reported through req.Drop as
// Render reports them.
func Records(ctx context.Context, req renderers.Request, in iter.Seq[indicator.Indicator]) ([]Record, error) {
	z, err := newZone(req)
	if err != nil {
		return nil, err
	}
	recs := []Record{
		{Owner: "@", TTL: z.o.ttl, Type: "SOA", Data: z.soaData()},
		{Owner: "@", TTL: z.o.ttl, Type: "NS", Data: z.o.ns},
	}
	n := 0
	err = z.each(in, func() error {
		if n++; n&4095 == 0 {
			return ctx.Err()
		}
		return nil
	}, func(owner []byte) {
		recs = append(recs, Record{Owner: string(owner), TTL: z.o.ttl, Type: "CNAME", Data: z.o.target})
	})
	if err != nil {
		return nil, err
	}
	return recs, ctx.Err()
}

// Render writes the zone as a master file.
func (Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	z, err := newZone(req)
	if err != nil {
		return err
	}
	out := renderers.NewOut(ctx, w)
	out.WriteString(banner.Line(";", req))
	out.WriteString("$TTL " + strconv.FormatUint(uint64(z.o.ttl), 10) + "\n")
	out.WriteString("@ SOA " + z.soaData() + "\n")
	out.WriteString("@ NS " + z.o.ns + "\n")
	tail := []byte(" CNAME " + z.o.target + "\n")
	if err := z.each(in, out.Next, func(owner []byte) {
		out.Write(owner)
		out.Write(tail)
	}); err != nil {
		return err
	}
	return out.Close()
}

type zone struct {
	req      renderers.Request
	o        options
	serial   uint32
	maxOwner int
	// prevIP is the last rpz-ip owner written: an address and the
	// full-length net of the same address (cidr4 keeps "/32") give the
	// same trigger and sort next to each other.
	prevIP []byte
}

func newZone(req renderers.Request) (*zone, error) {
	o, err := Renderer{}.Parse(req.Options)
	if err != nil {
		return nil, fmt.Errorf("rpz: %w", err)
	}
	z := &zone{req: req, o: o, serial: o.serial}
	switch {
	case o.hasSerial:
	case req.Serial != 0:
		z.serial = req.Serial
	default:
		z.serial = FallbackSerial(req.Generated)
	}
	// A relative owner of n octets plus the origin takes n+1+len(origin)+2
	// octets in wire form, which must not exceed 255.
	z.maxOwner = 252 - o.originLen
	return z, nil
}

// FallbackSerial is the SOA serial used when neither the option serial nor
// Request.Serial is set: the unix time of generated, kept within
// 1..4294967295. It changes with every build, content changed or not, so a
// caller that serves zone transfers should pass its own serial.
func FallbackSerial(generated time.Time) uint32 {
	s := generated.Unix()
	if s < 1 || s > 1<<32-1 {
		return 1
	}
	return uint32(s)
}

func (z *zone) soaData() string {
	t := z.o.soaTimes
	return fmt.Sprintf("%s %s %d %d %d %d %d", z.o.mname, z.o.rname, z.serial, t[0], t[1], t[2], t[3])
}

// name is a Domain or Hostname held until every Domain is known; wild
// reports a Domain whose "*." trigger is written.
type name struct {
	value        string
	domain, wild bool
}

// each calls emit with the owner of every trigger of in: the rpz-ip
// triggers as they come, then the names in input order, each Domain d as
// d and *.d. next is called before each indicator and ends the walk with
// its error. Names are held to the end so that a name under a listed
// Domain, which its "*." trigger covers, is left out: a resolver looks a
// query name up in the policy zone by the rules of DNS wildcards, and an
// owner under d (a.b.d, even b.d as the empty node above it) keeps *.d
// from matching the names below it, so x.a.b.d and b.d went unblocked.
func (z *zone) each(in iter.Seq[indicator.Indicator], next func() error, emit func(owner []byte)) error {
	var (
		names   []name
		buf     []byte
		domains int
	)
	for ind := range in {
		if err := next(); err != nil {
			return err
		}
		if ind.Type.IsName() {
			if n, ok := z.checkName(ind); ok {
				names = append(names, n)
				if n.domain {
					domains++
				}
			}
			continue
		}
		var ok bool
		if buf, ok = z.ipOwner(buf[:0], ind); ok {
			emit(buf)
		}
	}
	// Every Domain, sized once: whether its "*." trigger is written.
	wild := make(map[string]bool, domains)
	for _, n := range names {
		if n.domain {
			wild[n.value] = n.wild
		}
	}
	for _, n := range names {
		switch _, listed := wild[n.value]; {
		case !n.domain && listed:
			z.req.Drop("hostname also listed as a domain", 1)
			continue
		case underWildcard(wild, n.value):
			z.req.Drop(DropCovered, 1)
			continue
		}
		emit(append(buf[:0], n.value...))
		if n.wild {
			emit(append(append(buf[:0], "*."...), n.value...))
		}
	}
	return nil
}

// underWildcard reports whether a Domain above the name v has its "*."
// trigger written.
func underWildcard(wild map[string]bool, v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] == '.' && wild[v[i+1:]] {
			return true
		}
	}
	return false
}

// DropCovered is the reason for a name under a listed Domain, whose "*."
// trigger blocks it already.
const DropCovered = "name under a listed domain (its wildcard trigger covers it)"

// checkName returns the Domain or Hostname ind as a name to write, or
// ok false, reported dropped, when it cannot be a trigger.
func (z *zone) checkName(ind indicator.Indicator) (n name, ok bool) {
	v := ind.Value
	if !validName(v, false) {
		z.req.Drop("name with characters a master file cannot carry unescaped", 1)
		return name{}, false
	}
	if triggerName(v) {
		z.req.Drop(DropTriggerLabel, 1)
		return name{}, false
	}
	if len(v) > z.maxOwner {
		z.req.Drop(DropTooLong, 1)
		return name{}, false
	}
	n = name{value: v, domain: ind.Type == indicator.Domain}
	if n.domain {
		switch {
		case len("*.")+len(v) > z.maxOwner:
			z.req.Drop(DropWildcardTooLong, 1)
		case !feedlist.WildcardAllowed(v):
			z.req.Drop(DropSuffixWildcard, 1)
		default:
			n.wild = true
		}
	}
	return n, true
}

// ipOwner appends the rpz-ip owner name of the address or net ind to
// dst; ok is false when ind was dropped.
func (z *zone) ipOwner(dst []byte, ind indicator.Indicator) (out []byte, ok bool) {
	if !ind.Type.IsIP() {
		z.req.Drop("type "+ind.Type.String()+" has no RPZ trigger", 1)
		return dst, false
	}
	p, good := ind.Prefix()
	if !good {
		z.req.Drop("IP value that does not parse", 1)
		return dst, false
	}
	if p.Bits() == 0 {
		z.req.Drop("prefix length 0 (rpz-ip triggers need 1 or more)", 1)
		return dst, false
	}
	start := len(dst)
	dst = AppendIPTrigger(dst, p)
	if string(dst[start:]) == string(z.prevIP) {
		z.req.Drop("address listed both as an address and as a full-length net", 1)
		return dst[:start], false
	}
	z.prevIP = append(z.prevIP[:0], dst[start:]...)
	return dst, true
}

// DropTooLong is the reason for a name whose own trigger is too long
// for the zone origin.
const DropTooLong = "name too long for the zone origin"

// DropWildcardTooLong is the reason for the "*." trigger left out of a
// Domain whose own trigger fits the zone origin but not with "*.": the
// name's own trigger is written.
const DropWildcardTooLong = "wildcard too long for the zone origin (the name's own trigger is written)"

// DropSuffixWildcard is the reason for the "*." trigger left out of a
// Domain that is an ICANN public suffix ("co.uk"): it would block every
// name registered under it. The name's own trigger is written.
const DropSuffixWildcard = "wildcard over a public suffix (co.uk: it would block a whole registry)"

// DropTriggerLabel is the reason for a name ending in a label that makes
// an owner another kind of trigger.
const DropTriggerLabel = "name ending in rpz-ip, rpz-nsip, rpz-nsdname or rpz-client-ip (it would be an IP, name server or client trigger)"

// triggerName reports whether the last label of name is one a resolver
// reads as the kind of an IP, name-server or client trigger rather than
// as part of a queried name: "1.0.0.0.0.rpz-client-ip" would apply the
// policy to every answer for half the IPv4 clients.
func triggerName(name string) bool {
	last := name[strings.LastIndexByte(name, '.')+1:]
	for _, l := range [...]string{"rpz-ip", "rpz-nsip", "rpz-nsdname", "rpz-client-ip"} {
		if strings.EqualFold(last, l) {
			return true
		}
	}
	return false
}

// AppendIPTrigger appends the rpz-ip owner name of p (masked) to dst:
// "32.7.100.51.198.rpz-ip" for 198.51.100.7, and for IPv6 the prefix
// length and the 16-bit words in RFC 5952 form reversed word-wise, the
// compressed run written "zz": "128.7.zz.db8.2001.rpz-ip". The name
// carries no origin.
func AppendIPTrigger(dst []byte, p netip.Prefix) []byte {
	p = p.Masked()
	a := p.Addr()
	dst = strconv.AppendInt(dst, int64(p.Bits()), 10)
	if a.Is4() {
		b := a.As4()
		for i := 3; i >= 0; i-- {
			dst = append(dst, '.')
			dst = strconv.AppendUint(dst, uint64(b[i]), 10)
		}
		return append(dst, ".rpz-ip"...)
	}
	b := a.As16()
	var words [8]uint16
	for i := range words {
		words[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	// The longest run of two or more zero words, the leftmost on ties.
	runStart, runLen := -1, 1
	for i := 0; i < 8; {
		if words[i] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && words[j] == 0 {
			j++
		}
		if j-i > runLen {
			runStart, runLen = i, j-i
		}
		i = j
	}
	for i := 7; i >= 0; i-- {
		if runStart >= 0 && i >= runStart && i < runStart+runLen {
			if i == runStart {
				dst = append(dst, ".zz"...)
			}
			continue
		}
		dst = append(dst, '.')
		dst = strconv.AppendUint(dst, uint64(words[i]), 16)
	}
	return append(dst, ".rpz-ip"...)
}

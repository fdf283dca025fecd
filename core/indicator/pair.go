package indicator

import "strings"

// CheckPairs has x ask keepOut about the other half of every composite
// attribute (domain|ip, hostname|port, ip-src|port, ip-dst|port,
// filename|md5, filename|sha1, filename|sha256, malware-sample) one half
// of which gives an indicator, and leave that indicator out when keepOut
// returns true: MISP drops the whole attribute when either half is on a
// warninglist, so the half a list takes is decided here, while both are
// at hand. other has the attribute's MISP type, category, UUID, event and
// timestamp, and the half's canonical value (Hostname, IPv4, IPv6 or a
// net); a file name, a port or a half that is not valid is given as it is
// written, without surrounding spaces, of type Invalid. Its strings may be
// borrowed (AddBorrowed): keepOut copies what it keeps.
func (x *Extractor) CheckPairs(keepOut func(other Indicator) bool) { x.pairOut = keepOut }

// halfKind is what the other half of a composite value is.
type halfKind uint8

const (
	textHalf halfKind = iota // a file name or a port
	nameHalf                 // the name of a domain|ip
	ipHalf                   // the address of a domain|ip
)

// checkPair removes the indicators dst gained from index from on when the
// pair check keeps the attribute's other half, v of kind k, out.
func (x *Extractor) checkPair(dst []Indicator, from int, base Indicator, k halfKind, v string) []Indicator {
	if x.pairOut == nil || len(dst) == from {
		return dst
	}
	var other Indicator
	switch k {
	case nameHalf:
		other = nameOf(v)
	case ipHalf:
		other = ipOf(v)
	default:
		other = textOf(v)
	}
	other.MISPType, other.Category, other.UUID = base.MISPType, base.Category, base.UUID
	other.EventID, other.Timestamp, other.ToIDS = base.EventID, base.Timestamp, base.ToIDS
	if !x.pairOut(other) {
		return dst
	}
	clear(dst[from:])
	return dst[:from]
}

// nameOf is the name half of a domain|ip value.
func nameOf(v string) Indicator {
	if n, err := CanonicalHost(v); err == nil {
		return Indicator{Type: Hostname, Value: n}
	}
	return textOf(v)
}

// ipOf is the address half of a domain|ip value.
func ipOf(v string) Indicator {
	p, err := CanonicalIP(v)
	if err != nil {
		return textOf(v)
	}
	t, text := ipType(p, v)
	return Indicator{Type: t, Value: text}
}

// textOf is a half that is no indicator of its own: a file name, a port.
func textOf(v string) Indicator { return Indicator{Type: Invalid, Value: strings.TrimSpace(v)} }

package squid

import (
	"cmp"
	"context"
	"io"
	"iter"
	"net/netip"
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
	"github.com/cratos-project/cratos/renderers/internal/listkind"
	"github.com/cratos-project/cratos/renderers/internal/nameset"
)

// ACL kinds, the value of the option acl.
const (
	DstDomain = "dstdomain"
	Dst       = "dst"
	URLRegex  = "url_regex"
)

// MaxLine is the longest value Squid reads from an ACL file line: its
// line buffer holds 2047 bytes including the line feed.
const MaxLine = 2046

// Renderer renders a Squid ACL file. The zero value is ready to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, string]

var info = renderers.Info{
	Name:        "squid",
	Reads:       renderers.FieldValue,
	Description: "Squid ACL file: dstdomain (overlaps collapsed), dst (CIDRs collapsed) or url_regex (escaped, anchored)",
	ContentType: "text/plain; charset=utf-8",
	Extension:   ".txt",
	Types: []indicator.Type{
		indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net,
		indicator.Domain, indicator.Hostname, indicator.URL,
	},
	Options: []renderers.Option{{
		Name:        "acl",
		Default:     "",
		Description: "ACL kind: dstdomain, dst or url_regex; empty: chosen from the data type, else the first indicator",
		Kind:        renderers.KindEnum,
		Values:      []string{DstDomain, Dst, URLRegex},
	}},
}

func init() { renderers.Register(Renderer{}) }

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

// Config returns the ACL kind the options name, "" when unset.
func (def) Config(o renderers.Options) (string, error) { return o.Enum("acl"), nil }

// ForDataType returns the ACL kind for a route data type, or "" when the
// data type does not decide it.
func ForDataType(name string) string {
	switch name {
	case "ipv4", "ipv4ext", "ipv6", "cidr4":
		return Dst
	case "domain", "hostname":
		return DstDomain
	case "url":
		return URLRegex
	}
	return ""
}

func forType(t indicator.Type) string {
	switch {
	case t.IsIP():
		return Dst
	case t.IsName():
		return DstDomain
	}
	return URLRegex
}

// holds maps each ACL kind to the types its file holds.
var holds = map[string]indicator.TypeSet{
	Dst:       listkind.IPs,
	DstDomain: listkind.Names,
	URLRegex:  indicator.SetOf(indicator.URL),
}

// Render writes the ACL file.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	kind, err := r.Parse(req.Options)
	if err != nil {
		return err
	}
	acl := listkind.Choice{Kind: cmp.Or(kind, ForDataType(req.DataType)), ForType: forType, Holds: holds}
	out := renderers.NewOut(ctx, w)
	var (
		names   nameSet
		v4, v6  []netip.Prefix
		pattern []byte
		written = map[string]struct{}{} // url_regex lines
	)
	for ind := range in {
		if err := out.Next(); err != nil {
			return err
		}
		if !acl.Take(ind.Type) {
			req.Drop(ind.Type.String()+" value in a "+acl.Kind+" list", 1)
			continue
		}
		switch acl.Kind {
		case Dst:
			p, ok := ind.Prefix()
			switch {
			case !ok:
				req.Drop("IP value that does not parse", 1)
			case p.Bits() == 0:
				req.Drop("prefix length 0 (it matches every address)", 1)
			case p.Addr().Is4():
				v4 = append(v4, p)
			case feedlist.HoldsIPv4Mapped(p):
				req.Drop(DropMappedNet, 1)
			default:
				v6 = append(v6, p)
			}
		case DstDomain:
			if !plainName(ind.Value) {
				req.Drop("name with characters other than letters, digits, '-', '_' and '.'", 1)
				continue
			}
			names.add(req, ind.Value, ind.Type == indicator.Domain)
		case URLRegex:
			var reason string
			pattern, reason = appendURLRegex(pattern[:0], ind.Value)
			if reason != "" {
				req.Drop(reason, 1)
				continue
			}
			// Two URLs can give one pattern ("http://a:80/" and "http://a/").
			if _, dup := written[string(pattern)]; dup {
				req.Drop("URL giving the same pattern as an earlier URL", 1)
				continue
			}
			written[string(pattern)] = struct{}{}
			pattern = append(pattern, '\n')
			out.Write(pattern)
		}
	}
	switch acl.Kind {
	case Dst:
		writePrefixes(out, req, v4, true)
		writePrefixes(out, req, v6, false)
	case DstDomain:
		names.write(out, req)
	}
	return out.Close()
}

// DropMappedNet is the reason for an IPv6 net holding the IPv4-mapped
// block ("::/8", feedlist.HoldsIPv4Mapped): Squid holds every IPv4
// address, of a request and of an ACL, as an IPv4-mapped one, so it would
// match every IPv4 destination with it, or ignore it or the IPv4 entries
// as overlapping.
const DropMappedNet = "IPv6 net holding the IPv4-mapped block ::ffff:0:0/96 (Squid matches every IPv4 address with it)"

func writePrefixes(out *renderers.Out, req renderers.Request, ps []netip.Prefix, v4 bool) {
	c := collapse(ps, v4)
	req.Drop("address or net merged into a covering or adjacent prefix", len(ps)-len(c))
	var b []byte
	for _, p := range c {
		if p.IsSingleIP() {
			b = p.Addr().AppendTo(b[:0])
		} else {
			b = p.AppendTo(b[:0])
		}
		b = append(b, '\n')
		out.Write(b)
	}
}

func plainName(s string) bool {
	if s == "" || len(s) > MaxLine-1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// DropSuffixDomain is the reason for a Domain that is an ICANN public
// suffix ("co.uk"): ".co.uk" would match every name registered under it.
const DropSuffixDomain = "domain that is a public suffix (.co.uk would block a whole registry)"

// nameSet collects dstdomain entries: Domains (written ".d") and
// Hostnames (written "d").
type nameSet struct {
	domains   map[string]struct{}
	order     []string // Domains in input order
	hostnames []string
}

// add adds a Domain or a Hostname, or reports a Domain that is a public
// suffix.
func (s *nameSet) add(req renderers.Request, v string, domain bool) {
	if domain && !feedlist.WildcardAllowed(v) {
		req.Drop(DropSuffixDomain, 1)
		return
	}
	if !domain {
		s.hostnames = append(s.hostnames, v)
		return
	}
	if s.domains == nil {
		s.domains = map[string]struct{}{}
	}
	if _, dup := s.domains[v]; dup {
		req.Drop("duplicate domain", 1)
		return
	}
	s.domains[v] = struct{}{}
	s.order = append(s.order, v)
}

// write writes the entries that no listed Domain covers, so that no two
// entries overlap in any order (which Squid up to 6 refuses to load).
func (s *nameSet) write(out *renderers.Out, req renderers.Request) {
	var b []byte
	for _, d := range s.order {
		if nameset.UnderAny(s.domains, d) {
			req.Drop("domain covered by a listed parent domain", 1)
			continue
		}
		b = append(append(append(b[:0], '.'), d...), '\n')
		out.Write(b)
	}
	for _, h := range s.hostnames {
		if _, same := s.domains[h]; same || nameset.UnderAny(s.domains, h) {
			req.Drop("hostname covered by a listed domain", 1)
			continue
		}
		b = append(append(b[:0], h...), '\n')
		out.Write(b)
	}
}

// appendURLRegex appends the POSIX extended regular expression that
// matches v and every URL that starts with it, anchored at the start. A
// URL without a scheme matches both http and https; a default port is
// left out, as Squid leaves it out of the URLs it matches; percent-escapes
// are decoded, as Squid decodes the URL before matching it.
func appendURLRegex(dst []byte, v string) ([]byte, string) {
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] == 0x7f || v[i] == '#' {
			return dst, "URL with a space, control character or '#', which an ACL file line cannot carry"
		}
	}
	scheme, rest := indicator.SplitScheme(v)
	host, path := feedlist.SplitHost(rest)
	switch {
	case scheme == "http" || scheme == "":
		host = strings.TrimSuffix(host, ":80")
	case scheme == "https":
		host = strings.TrimSuffix(host, ":443")
	}
	if path == "" || path[0] == '?' {
		path = "/" + path
	}
	dst = append(dst, '^')
	if scheme == "" {
		dst = append(dst, "https?"...)
	} else {
		dst, _ = appendERE(dst, scheme) // a scheme is letters, digits and "+-."
	}
	dst = append(dst, "://"...)
	var ok bool
	if dst, ok = appendERE(dst, host+path); !ok {
		return dst, "URL with an escaped line break (%0A, %0D), which an ACL file line cannot carry"
	}
	if len(dst) > MaxLine {
		return dst, "URL pattern longer than a Squid ACL line (2046 bytes)"
	}
	return dst, ""
}

// appendERE appends s as Squid matches it, percent-escapes decoded as
// rfc1738_unescape does ("%%" is "%", "%00" and a '%' without two hex
// digits stay), with the POSIX ERE metacharacters escaped and blanks and
// control characters in brackets ("[ ]"), since Squid trims an ACL file
// line and reads "#" after a blank as a comment. Bytes outside ASCII are
// written as they are. It reports false for a line break, which a line
// cannot carry.
func appendERE(dst []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+1 < len(s) && s[i+1] == '%' {
				i++
			} else if i+2 < len(s) && unhex(s[i+1]) >= 0 && unhex(s[i+2]) >= 0 && s[i+1:i+3] != "00" {
				c = byte(unhex(s[i+1])<<4 | unhex(s[i+2]))
				i += 2
			}
		}
		switch {
		case c == '\n' || c == '\r':
			return dst, false
		case c < ' ' || c == ' ' || c == 0x7f:
			dst = append(dst, '[', c, ']')
		case strings.IndexByte(`\.^$|?*+()[]{}`, c) >= 0:
			dst = append(dst, '\\', c)
		default:
			dst = append(dst, c)
		}
	}
	return dst, true
}

// unhex returns the value of the hex digit c, or -1.
func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c - 'a' + 10)
	case c >= 'A' && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

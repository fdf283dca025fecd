// Package zeek renders indicators as a Zeek Intelligence Framework file
// (URL segment "zeek") for Intel::read_files: a "#fields" header and one
// TAB-separated row per indicator.
//
// Kinds map to Intel::ADDR (addresses), Intel::SUBNET (nets),
// Intel::DOMAIN (Domain and Hostname; Zeek matches names exactly),
// Intel::URL (as Zeek builds request URLs; one on a port other than 80
// also as Zeek 4.2 and later build it), Intel::FILE_HASH,
// Intel::EMAIL, Intel::FILE_NAME (e-mail attachment names) and
// Intel::CERT_HASH (x509 SHA-1). In every field TAB, CR and LF become a
// space and a backslash is written \x5c, since Zeek's reader decodes \x
// escapes, and a leading '#' is written \x23 so that the row is not read
// as a comment; "-" marks an unset field. Indicators other than file names
// that hold white space or control characters are left out and reported:
// Zeek would never match them. So are /0 nets and IPv6 nets holding
// ::ffff:0:0/96: Zeek holds IPv4 as IPv4-mapped IPv6, and would match
// every IPv4 address with them.
package zeek

import (
	"context"
	"io"
	"iter"
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
	"github.com/cratos-project/cratos/renderers/internal/ioc"
)

// Header is the "#fields" line without meta.do_notice.
const Header = "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url"

// Renderer renders a Zeek intel file. The zero value is ready to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, options]

var info = renderers.Info{
	Name:        "zeek",
	Reads:       renderers.FieldValue,
	Description: "Zeek Intelligence Framework file (Intel::ADDR, SUBNET, DOMAIN, URL, FILE_HASH, EMAIL, FILE_NAME, CERT_HASH)",
	ContentType: "text/plain; charset=utf-8",
	Extension:   ".intel",
	Types: []indicator.Type{
		indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net,
		indicator.Domain, indicator.Hostname, indicator.URL,
		indicator.MD5, indicator.SHA1, indicator.SHA256,
		indicator.Email, indicator.EmailAttachment, indicator.X509SHA1,
	},
	Options: []renderers.Option{
		{Name: "source", Default: "", Description: "meta.source of every row; empty: cratos-<site>-<feed>"},
		{Name: "do_notice", Default: "", Description: "T or F adds a meta.do_notice column (needs frameworks/intel/do_notice); empty: no column", Kind: renderers.KindEnum, Values: []string{"T", "F"}},
	},
}

func init() { renderers.Register(Renderer{}) }

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

type options struct {
	source   string
	doNotice string
}

// Config reads the options.
func (def) Config(o renderers.Options) (options, error) {
	opt := options{doNotice: o.Enum("do_notice")}
	if v := o.String("source"); v != "" {
		if v == "-" || len(v) > 256 || ioc.HasControl(v) {
			return options{}, renderers.OptionError(info.Name, "source", "1-256 characters without control characters, other than \"-\"", v)
		}
		opt.source = v
	}
	return opt, nil
}

// IntelType returns the Intel::Type name for t, or "" when Zeek has none.
func IntelType(t indicator.Type) string {
	switch t {
	case indicator.IPv4, indicator.IPv6:
		return "Intel::ADDR"
	case indicator.IPv4Net, indicator.IPv6Net:
		return "Intel::SUBNET"
	case indicator.Domain, indicator.Hostname:
		return "Intel::DOMAIN"
	case indicator.URL:
		return "Intel::URL"
	case indicator.MD5, indicator.SHA1, indicator.SHA256:
		return "Intel::FILE_HASH"
	case indicator.Email:
		return "Intel::EMAIL"
	case indicator.EmailAttachment:
		return "Intel::FILE_NAME"
	case indicator.X509SHA1:
		return "Intel::CERT_HASH"
	}
	return ""
}

// Render writes the intel file.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	o, err := r.Parse(req.Options)
	if err != nil {
		return err
	}
	source := o.source
	if source == "" {
		source = "cratos-" + req.Site + "-" + req.Feed
	}
	// The columns after the indicator type are the same on every row but
	// for the description.
	src := appendField(nil, source)
	var notice string
	if o.doNotice != "" {
		notice = "\t" + o.doNotice
	}
	out := renderers.NewOut(ctx, w)
	out.WriteString(Header)
	if notice != "" {
		out.WriteString("\tmeta.do_notice")
	}
	out.WriteByte('\n')
	var b []byte
	for ind := range in {
		if err := out.Next(); err != nil {
			return err
		}
		typ := IntelType(ind.Type)
		if typ == "" {
			req.Drop("type "+ind.Type.String()+" has no Zeek intel type", 1)
			continue
		}
		if reason := netDrop(ind); reason != "" {
			req.Drop(reason, 1)
			continue
		}
		v := ind.Value
		if ind.Type == indicator.URL {
			v = stripScheme(v)
		}
		if v == "" || v == "-" {
			req.Drop("empty indicator", 1)
			continue
		}
		if ind.Type != indicator.EmailAttachment && hasSpaceOrControl(v) {
			req.Drop("indicator with white space or control characters", 1)
			continue
		}
		if ind.Type == indicator.URL {
			v = requestURL(ind.Value, v)
			if ioc.HasControl(v) {
				req.Drop("URL with an escaped control character (%00, %0A)", 1)
				continue
			}
		}
		rows := [2]string{v}
		if ind.Type == indicator.URL {
			rows[1] = hostHeaderURL(v)
		}
		b = b[:0]
		for _, v := range rows {
			if v == "" {
				continue
			}
			b = appendField(b, v)
			b = append(b, '\t')
			b = append(b, typ...)
			b = append(b, '\t')
			b = append(b, src...)
			b = append(b, '\t')
			b = append(b, ind.Type.String()...)
			b = append(b, "\t-"...)
			b = append(b, notice...)
			b = append(b, '\n')
		}
		out.Write(b)
	}
	return out.Close()
}

// Reasons for nets left out, passed to Request.Drop. Zeek holds every
// IPv4 address and net as IPv4-mapped IPv6, and Intel::SUBNET rows of
// both families in one table, so an IPv6 net holding the IPv4-mapped
// block matches every IPv4 address Zeek sees.
const (
	DropZeroNet   = "prefix length 0 (it matches every address)"
	DropMappedNet = "IPv6 net holding the IPv4-mapped block ::ffff:0:0/96 (Zeek matches every IPv4 address with it)"
)

// netDrop returns why the net ind is left out, or "" to write it: a /0
// (0.0.0.0/0, ::/0), or an IPv6 net holding the IPv4-mapped block (::/8,
// feedlist.HoldsIPv4Mapped).
func netDrop(ind indicator.Indicator) string {
	if ind.Type != indicator.IPv4Net && ind.Type != indicator.IPv6Net {
		return ""
	}
	p, ok := ind.Prefix()
	switch {
	case !ok:
		return ""
	case p.Bits() == 0:
		return DropZeroNet
	case feedlist.HoldsIPv4Mapped(p):
		return DropMappedNet
	}
	return ""
}

// hostHeaderURL returns the URL that Zeek 4.2 and later check for a
// request to the URL v, as requestURL writes it, on a port other than 80,
// or "" when v has none. Those versions take the Host header as sent,
// with the port a client writes there, and append ":port" again
// (HTTP::build_url): "bad.example:8080:8080/x". Earlier versions, and a
// client that leaves the port out of Host, give v itself.
func hostHeaderURL(v string) string {
	host, tail := feedlist.SplitHost(v)
	i := strings.LastIndexByte(host, ':')
	if i < 0 || strings.HasSuffix(host, "]") || host[i+1:] == "80" {
		return ""
	}
	return host + host[i:] + tail
}

// stripScheme removes "scheme://" and user info, as Zeek's HTTP analyzer
// builds the URLs it checks from the Host header and the request URI.
func stripScheme(v string) string {
	_, v = indicator.SplitScheme(v)
	host, tail := feedlist.SplitHost(v)
	return host + tail
}

// requestURL turns a URL that stripScheme returned for the canonical URL
// u into the form Zeek's HTTP analyzer gives the URLs it checks: the host,
// ":port" unless the port is 80, then the request URI, which is "/" for a
// URL without a path, with its percent-escapes decoded (Zeek checks the
// unescaped URI). "bad.example", "bad.example:80/x" or "bad.example/a%20b"
// would never match.
func requestURL(u, v string) string {
	host, tail := feedlist.SplitHost(v)
	if s, _ := indicator.SplitScheme(u); s == "" || s == "http" {
		host = strings.TrimSuffix(host, ":80")
	}
	switch {
	case tail == "":
		tail = "/"
	case tail[0] == '?':
		tail = "/" + tail
	}
	return host + unescapeURI(tail)
}

// unescapeURI decodes s as Zeek's HTTP analyzer decodes a request URI
// (unescape_URI): "%XX" and "%uXXXX" give their bytes, the first of "%%"
// is dropped, and any other '%' stays with the character after it.
func unescapeURI(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b = append(b, s[i])
			continue
		}
		rest := s[i+1:]
		switch {
		case rest == "":
			b = append(b, '%')
		case len(rest) == 1:
			b = append(b, '%', rest[0])
			i++
		case rest[0] == '%':
			// Zeek drops the first '%' and reads the second as a new one.
		case isHex(rest[0]) && isHex(rest[1]):
			b = append(b, unhex(rest[0])<<4|unhex(rest[1]))
			i += 2
		case len(rest) >= 5 && rest[0] == 'u' && isHex(rest[1]) && isHex(rest[2]) && isHex(rest[3]) && isHex(rest[4]):
			if rest[1:3] != "00" {
				b = append(b, unhex(rest[1])<<4|unhex(rest[2]))
			}
			b = append(b, unhex(rest[3])<<4|unhex(rest[4]))
			i += 5
		default:
			b = append(b, '%', rest[0])
			i++
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

func hasSpaceOrControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// appendField appends s as one field: TAB, CR and LF become a space, a
// backslash becomes \x5c, and a leading '#' becomes \x23 (Zeek's reader
// skips a line starting with '#' as a comment).
func appendField(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\t', '\r', '\n':
			b = append(b, ' ')
		case '\\':
			b = append(b, `\x5c`...)
		case '#':
			if i == 0 {
				b = append(b, `\x23`...)
			} else {
				b = append(b, c)
			}
		default:
			b = append(b, c)
		}
	}
	return b
}

package elastic

import (
	"context"
	"io"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
	"github.com/cratos-project/cratos/renderers/internal/ioc"
)

// Name is the renderer's URL segment.
const Name = "elastic"

// ContentType is the media type of the output.
const ContentType = "application/x-ndjson"

// ECSVersion is the ECS version the documents follow.
const ECSVersion = "8.11.0"

// Option names.
const (
	OptProvider  = "provider"
	OptTLP       = "tlp"
	OptReference = "reference"
)

// Reasons passed to Request.Drop; each count is in documents.
const (
	DropNet  = "elastic CIDR (threat.indicator.ip holds one address)"
	DropUTF8 = "elastic value not valid UTF-8"
)

// tlpLevels maps the tlp option to threat.indicator.marking.tlp.
var tlpLevels = map[string]string{"clear": "CLEAR", "white": "WHITE", "green": "GREEN", "amber": "AMBER", "amber+strict": "AMBER+STRICT", "red": "RED"}

// Renderer renders ECS threat indicator documents. The zero value is
// ready to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, config]

func init() { renderers.Register(Renderer{}) }

var info = renderers.Info{
	Name:        Name,
	Description: "Elastic Common Schema threat.indicator documents, one JSON object per line (NDJSON)",
	ContentType: ContentType,
	Extension:   ".ndjson",
	Types: []indicator.Type{
		indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net,
		indicator.Domain, indicator.Hostname, indicator.URL,
		indicator.MD5, indicator.SHA1, indicator.SHA256, indicator.Imphash,
		indicator.Email,
	},
	Options: []renderers.Option{
		{Name: OptProvider, Default: "MISP", Description: "threat.indicator.provider of every document"},
		{Name: OptTLP, Default: "none", Description: "threat.indicator.marking.tlp: none (left out), clear, white, green, amber, amber+strict or red"},
		{Name: OptReference, Default: "", Description: "threat.indicator.reference: an http(s) URL in which {event_id} is replaced by the MISP event id (left out for indicators without one); empty: none"},
	},
}

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

type config struct {
	provider, tlp, reference string
}

// Config reads the options.
func (def) Config(o renderers.Options) (config, error) {
	c := config{provider: o.String(OptProvider)}
	if v := c.provider; v == "" || len(v) > 256 || !ioc.PlainText(v) {
		return config{}, renderers.OptionError(Name, OptProvider, "one line of text of 1 to 256 bytes", v)
	}
	if v := o.String(OptTLP); v != "none" {
		l, ok := tlpLevels[strings.ToLower(v)]
		if !ok {
			return config{}, renderers.OptionError(Name, OptTLP, "one of none, clear, white, green, amber, amber+strict, red", v)
		}
		c.tlp = l
	}
	if v := o.String(OptReference); v != "" {
		u, err := url.Parse(strings.ReplaceAll(v, "{event_id}", "1"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !ioc.PlainText(v) || strings.ContainsAny(v, " \"\\") {
			return config{}, renderers.OptionError(Name, OptReference, "an http or https URL", v)
		}
		c.reference = v
	}
	return c, nil
}

// Render writes one document per indicator, in input order.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	return feedlist.Stream(ctx, w, req, Name, r.Parse, func(o *renderers.Out, c config, d feedlist.Drops) error {
		e := newEncoder(c, req)
		for x := range in {
			if o.Next() != nil {
				break
			}
			switch {
			case x.Type == indicator.IPv4Net || x.Type == indicator.IPv6Net:
				d.Add(DropNet, 1)
				continue
			case !utf8.ValidString(x.Value):
				d.Add(DropUTF8, 1)
				continue
			}
			_, _ = o.Write(e.document(x)) // errors stay in o
		}
		return nil
	})
}

// splitURL returns the scheme (without "://"), the host and the port of a
// canonical URL; scheme and port may be empty. An IPv6 host keeps its
// brackets, as ECS's url.domain holds it.
func splitURL(v string) (scheme, host, port string) {
	rest := v
	if i := strings.Index(v, "://"); i >= 0 && !strings.ContainsAny(v[:i], "/?") {
		scheme, rest = v[:i], v[i+3:]
	}
	hostport, _ := feedlist.SplitHost(rest)
	host = hostport
	if strings.HasPrefix(hostport, "[") {
		if i := strings.IndexByte(hostport, ']'); i >= 0 {
			host, port = hostport[:i+1], strings.TrimPrefix(hostport[i+1:], ":")
		}
	} else if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		host, port = hostport[:i], hostport[i+1:]
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		port = ""
	}
	return scheme, host, port
}

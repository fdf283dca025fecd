package checkpoint

import (
	"context"
	"io"
	"iter"
	"net/netip"
	"strconv"
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
	"github.com/cratos-project/cratos/renderers/internal/ioc"
)

// Name is the renderer's URL segment.
const Name = "checkpoint"

// ContentType is the media type of the output.
const ContentType = "text/csv; charset=utf-8; header=present"

// Header is the first line of every feed.
const Header = "# UNIQ-NAME,VALUE,TYPE,CONFIDENCE,SEVERITY,PRODUCT,COMMENT"

// Option names.
const (
	OptConfidence = "confidence"
	OptSeverity   = "severity"
	OptProduct    = "product"
	OptMaxEntries = "max_entries"
	OptExcelSafe  = "excel_safe"
)

// Reasons passed to Request.Drop; each count is in records.
const (
	DropIPv6      = "checkpoint IPv6 (the feed takes IPv4 only)"
	DropDuplicate = "checkpoint duplicate record"
	DropText      = "checkpoint value with control characters or invalid UTF-8"
	DropCap       = "checkpoint entry cap"
	DropCovered   = "checkpoint address or range inside a listed range, over the cap"
)

// Renderer renders Check Point IoC feeds. The zero value is ready to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, config]

func init() { renderers.Register(Renderer{}) }

var levels = []string{"low", "medium", "high"}

var info = renderers.Info{
	Name:        Name,
	Reads:       renderers.FieldValue | renderers.FieldMISPType | renderers.FieldCategory | renderers.FieldEventID | renderers.FieldTimestamp,
	Description: "Check Point Custom Intelligence Feed (IoC feed) in the Check Point CSV format",
	ContentType: ContentType,
	Extension:   ".csv",
	Types: []indicator.Type{
		indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net,
		indicator.Domain, indicator.Hostname, indicator.URL,
		indicator.MD5, indicator.SHA1, indicator.SHA256,
		indicator.Email, indicator.EmailSubject,
	},
	Options: []renderers.Option{
		{Name: OptConfidence, Default: "high", Description: "CONFIDENCE of every record: low, medium or high", Kind: renderers.KindEnum, Values: levels},
		{Name: OptSeverity, Default: "high", Description: "SEVERITY of every record: low, medium or high", Kind: renderers.KindEnum, Values: levels},
		{Name: OptProduct, Default: "auto", Description: "PRODUCT (blade) of every record: auto (AV for hashes, AB for the rest), AV or AB", Kind: renderers.KindEnum, Values: []string{"auto", "AV", "AB"}},
		{Name: OptMaxEntries, Default: "0", Description: "record cap (0: none); the newest records are kept, the rest reported", Kind: renderers.KindInt},
		{Name: OptExcelSafe, Default: "false", Description: "true prefixes ' to fields starting with = + - @ tab or CR, for files opened in a spreadsheet", Kind: renderers.KindBool},
	},
}

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

type config struct {
	confidence, severity string
	product              string // "" for auto
	maxEntries           int
	excelSafe            bool
}

// Config reads the options.
func (def) Config(o renderers.Options) (config, error) {
	c := config{confidence: o.Enum(OptConfidence), severity: o.Enum(OptSeverity), product: o.Enum(OptProduct),
		maxEntries: o.Int(OptMaxEntries), excelSafe: o.Bool(OptExcelSafe)}
	if c.product == "auto" {
		c.product = ""
	}
	return c, nil
}

// Render writes the header and one record per observable, in input
// order. Without a cap each record is written as it comes; with one, the
// newest are kept as the input is read and written at the end, those
// inside a listed IP range left out first (weighCovered).
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	return feedlist.Stream(ctx, w, req, Name, r.Parse, func(o *renderers.Out, c config, d feedlist.Drops) error {
		o.WriteString(Header + "\n")
		e := encoder{c: c, req: req}
		emit := func(rec ioc.Record) { _, _ = o.Write(e.line(rec.Type, rec.Value, rec.X)) } // errors stay in o
		var keep *ioc.Keeper[ioc.Record]
		covered := 0
		if c.maxEntries > 0 {
			keep = ioc.NewKeeper[ioc.Record](c.maxEntries)
			in = weighCovered(in, &covered)
		}
		// A domain and a hostname may share one Domain value, and two URLs
		// one URL value once written as Check Point takes them ("h" and
		// "h/"): each is written once, as UNIQ-NAMEs must be unique.
		ioc.SiftRecords(o, in, d, func(x indicator.Indicator) (ioc.Record, string) {
			value, typ, reason := observable(x)
			return ioc.Record{Type: typ, Value: value, X: x}, reason
		}, func(typ string) bool { return typ == "Domain" || typ == "URL" }, DropDuplicate, keep, emit)
		if keep != nil && o.Err() == nil {
			emitKept(o, d, keep, covered, emit)
		}
		return nil
	})
}

// encoder builds record lines in a reused buffer.
type encoder struct {
	c        config
	req      renderers.Request
	buf, tmp []byte
}

// line returns the CSV line of one record, valid until the next call.
func (e *encoder) line(typ, value string, x indicator.Indicator) []byte {
	product := e.c.product
	if product == "" {
		product = "AB"
		if x.Type == indicator.MD5 || x.Type == indicator.SHA1 || x.Type == indicator.SHA256 {
			product = "AV"
		}
	}
	b := ioc.AppendName(e.buf[:0], "cratos-", typ, value)
	b = append(b, ',')
	if e.c.excelSafe {
		value = ioc.SpreadsheetSafe(value)
	}
	b = ioc.AppendCSVField(b, value)
	b = append(b, ',')
	b = append(b, typ...)
	b = append(b, ',')
	b = append(b, e.c.confidence...)
	b = append(b, ',')
	b = append(b, e.c.severity...)
	b = append(b, ',')
	b = append(b, product...)
	b = append(b, ',')
	e.tmp = appendComment(e.tmp[:0], x, e.req)
	if e.c.excelSafe && ioc.FormulaLead(string(e.tmp[:1])) {
		e.tmp = append(e.tmp[:1], e.tmp...)
		e.tmp[0] = '\''
	}
	b = ioc.AppendCSVField(b, e.tmp)
	e.buf = append(b, '\n')
	return e.buf
}

// appendComment appends where an indicator came from, on one line:
// "MISP event 42; ip-dst; Network activity", or "Cratos <feed>" when
// nothing is known.
func appendComment(b []byte, x indicator.Indicator, req renderers.Request) []byte {
	start := len(b)
	sep := func() {
		if len(b) > start {
			b = append(b, "; "...)
		}
	}
	if x.EventID != 0 {
		b = strconv.AppendInt(append(b, "MISP event "...), x.EventID, 10)
	}
	if x.MISPType != "" {
		sep()
		b = append(b, x.MISPType...)
	}
	if x.Category != "" {
		sep()
		b = append(b, x.Category...)
	}
	if len(b) == start {
		b = append(b, strings.TrimSpace("Cratos "+req.Feed)...)
	}
	return append(b[:start], ioc.OneLineBytes(b[start:])...)
}

// observable maps an indicator to its VALUE and TYPE, or a drop reason.
func observable(x indicator.Indicator) (value, typ, reason string) {
	switch x.Type {
	case indicator.IPv4:
		return x.Value, "IP", ""
	case indicator.IPv4Net:
		p, err := netip.ParsePrefix(x.Value)
		if err != nil || !p.Addr().Is4() {
			return "", "", DropText
		}
		return p.Masked().Addr().String() + "-" + lastAddr(p).String(), "IP Range", ""
	case indicator.IPv6, indicator.IPv6Net:
		return "", "", DropIPv6
	case indicator.Domain, indicator.Hostname:
		value, typ = x.Value, "Domain"
	case indicator.URL:
		value, typ = feedlist.URIValue(x.Value), "URL"
	case indicator.MD5:
		value, typ = x.Value, "MD5"
	case indicator.SHA1:
		value, typ = x.Value, "SHA1"
	case indicator.SHA256:
		value, typ = x.Value, "SHA256"
	case indicator.Email:
		value, typ = x.Value, "Mail-from"
		if x.MISPType == "email-dst" {
			typ = "Mail-to"
		}
	case indicator.EmailSubject:
		value, typ = x.Value, "Mail-subject"
	}
	if value == "" || (x.Type == indicator.URL || x.Type == indicator.Email || x.Type == indicator.EmailSubject) && !ioc.PlainText(value) {
		return "", "", DropText
	}
	return value, typ, ""
}

// lastAddr is the last address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

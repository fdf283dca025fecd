package defender

import (
	"context"
	"encoding/csv"
	"io"
	"iter"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
	"github.com/cratos-project/cratos/renderers/internal/ioc"
)

// Name is the renderer's URL segment.
const Name = "defender"

// ContentType is the media type of the output.
const ContentType = "text/csv; charset=utf-8; header=present"

// Columns are the header row, in order.
var Columns = []string{"IndicatorType", "IndicatorValue", "ExpirationTime", "Action", "Severity", "Title", "Description", "RecommendedActions", "RbacGroups", "Category", "MitreTechniques", "GenerateAlert"}

// MaxRows is the most indicators the portal imports from one file.
const MaxRows = 500

// Option names.
const (
	OptAction             = "action"
	OptSeverity           = "severity"
	OptExpireDays         = "expire_days"
	OptTitle              = "title"
	OptGenerateAlert      = "generate_alert"
	OptRecommendedActions = "recommended_actions"
	OptRbacGroups         = "rbac_groups"
	OptCategory           = "category"
	OptMaxEntries         = "max_entries"
	OptExcelSafe          = "excel_safe"
)

// Reasons passed to Request.Drop; each count is in rows.
const (
	DropCIDR      = "defender CIDR (indicators take single addresses)"
	DropInternal  = "defender private or reserved address"
	DropDuplicate = "defender duplicate indicator"
	DropText      = "defender value with control characters or invalid UTF-8"
	DropCap       = "defender entry cap (500 rows per import file)"
)

// Actions and severities Defender takes.
var (
	Actions    = []string{"Allowed", "Audit", "Warn", "Block", "BlockAndRemediate"}
	Severities = []string{"Informational", "Low", "Medium", "High"}
)

// Renderer renders Defender import files. The zero value is ready to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, config]

func init() { renderers.Register(Renderer{}) }

var info = renderers.Info{
	Name:        Name,
	Reads:       renderers.FieldValue | renderers.FieldMISPType | renderers.FieldCategory | renderers.FieldEventID | renderers.FieldTimestamp,
	Description: "Microsoft Defender for Endpoint indicator import CSV (file hashes, IP addresses, domains, URLs)",
	ContentType: ContentType,
	Extension:   ".csv",
	Types: []indicator.Type{
		indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net,
		indicator.Domain, indicator.Hostname, indicator.URL,
		indicator.MD5, indicator.SHA1, indicator.SHA256,
	},
	Options: []renderers.Option{
		{Name: OptAction, Default: "Block", Description: "Action: Allowed, Audit, Warn, Block or BlockAndRemediate (file hashes only; network rows get Block)", Kind: renderers.KindEnum, Values: Actions},
		{Name: OptSeverity, Default: "Medium", Description: "Severity: Informational, Low, Medium or High", Kind: renderers.KindEnum, Values: Severities},
		{Name: OptExpireDays, Default: "30", Description: "ExpirationTime is the list's generation time plus this many days (1-3650); 0 leaves it empty (no expiry)", Kind: renderers.KindInt, Min: 0, Max: 3650},
		{Name: OptTitle, Default: "", Description: "Title of every row; empty: the MISP event, else \"Cratos <feed>\""},
		{Name: OptGenerateAlert, Default: "true", Description: "GenerateAlert: true or false", Kind: renderers.KindBool},
		{Name: OptRecommendedActions, Default: "", Description: "RecommendedActions text of every row"},
		{Name: OptRbacGroups, Default: "", Description: "RbacGroups: comma-separated device group names; empty: all devices"},
		{Name: OptCategory, Default: "", Description: "Category as the portal lists it, in Pascal case (e.g. CommandAndControl); empty: none"},
		{Name: OptMaxEntries, Default: "500", Description: "row cap, 1-500 (the portal imports 500 rows per file); the newest rows are kept, the rest reported", Kind: renderers.KindInt, Min: 1, Max: MaxRows},
		{Name: OptExcelSafe, Default: "true", Description: "prefix ' to fields starting with = + - @ tab or CR, so a spreadsheet does not run them as formulas", Kind: renderers.KindBool},
	},
}

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

type config struct {
	action, severity         string
	expireDays               int
	title                    string
	alert                    string // "True" or "False"
	recommended, rbac, categ string
	maxEntries               int
	excelSafe                bool
}

// Config reads the options.
func (def) Config(o renderers.Options) (config, error) {
	c := config{action: o.Enum(OptAction), severity: o.Enum(OptSeverity), expireDays: o.Int(OptExpireDays), alert: "True",
		title: o.String(OptTitle), recommended: o.String(OptRecommendedActions), rbac: o.String(OptRbacGroups),
		categ: o.String(OptCategory), maxEntries: o.Int(OptMaxEntries), excelSafe: o.Bool(OptExcelSafe)}
	if !o.Bool(OptGenerateAlert) {
		c.alert = "False"
	}
	for _, k := range []string{OptTitle, OptRecommendedActions, OptRbacGroups} {
		if v := o.String(k); !ioc.PlainText(v) || len(v) > 1000 {
			return config{}, renderers.OptionError(Name, k, "one line of text (at most 1000 bytes)", v)
		}
	}
	if v := c.categ; v != "" && (!strings.ContainsFunc(v[:1], unicode.IsUpper) || strings.ContainsFunc(v, func(r rune) bool { return r > unicode.MaxASCII || !unicode.IsLetter(r) })) {
		return config{}, renderers.OptionError(Name, OptCategory, "a category name in Pascal case (letters only)", v)
	}
	return c, nil
}

// Render writes the header row and one row per indicator, in input order,
// with CRLF line ends. The newest max_entries rows are kept as the input
// is read, in a bounded heap, and written at the end.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	return feedlist.Stream(ctx, w, req, Name, r.Parse, func(o *renderers.Out, c config, d feedlist.Drops) error {
		keep := ioc.NewKeeper[ioc.Record](c.maxEntries)
		// A domain and a hostname may share one DomainName value, two URLs
		// one Url value once written as Defender takes them ("h" and
		// "h/"), and an address and its /32 one IpAddress: each is
		// written once, as an indicator is imported once.
		ioc.SiftRecords(o, in, d, func(x indicator.Indicator) (ioc.Record, string) {
			typ, value, reason := indicatorOf(x)
			return ioc.Record{Type: typ, Value: value, X: x}, reason
		}, func(typ string) bool { return typ == "DomainName" || typ == "Url" || typ == "IpAddress" }, DropDuplicate, keep, nil)
		if err := o.Err(); err != nil {
			return err
		}

		expires := ""
		if c.expireDays > 0 {
			expires = req.Generated.UTC().Truncate(time.Second).AddDate(0, 0, c.expireDays).Format("2006-01-02T15:04:05.0Z")
		}
		cw := csv.NewWriter(o)
		cw.UseCRLF = true
		_ = cw.Write(Columns) // errors stay in o
		f := make([]string, len(Columns))
		keep.Emit(o, d, DropCap, func(rec ioc.Record) {
			action := c.action
			if action == "BlockAndRemediate" && !strings.HasPrefix(rec.Type, "File") {
				action = "Block"
			}
			f = append(f[:0], rec.Type, rec.Value, expires, action, c.severity, title(rec.X, req, c), description(rec.X, req), c.recommended, c.rbac, c.categ, "", c.alert)
			if c.excelSafe {
				for i := range f {
					f[i] = ioc.SpreadsheetSafe(f[i])
				}
			}
			_ = cw.Write(f)
		})
		cw.Flush()
		return nil
	})
}

// shared is 100.64.0.0/10, carrier-grade NAT space (RFC 6598).
var shared = netip.MustParsePrefix("100.64.0.0/10")

// indicatorOf maps an indicator to IndicatorType and IndicatorValue, or
// a drop reason.
func indicatorOf(x indicator.Indicator) (typ, value, reason string) {
	switch x.Type {
	case indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net:
		// A full-length net (cidr4 keeps 192.0.2.1/32 as a net) is the
		// one address it holds.
		p, ok := x.Prefix()
		switch {
		case !ok:
			return "", "", DropText
		case !p.IsSingleIP():
			return "", "", DropCIDR
		}
		a := p.Addr()
		if !a.IsGlobalUnicast() || a.IsPrivate() || shared.Contains(a) {
			return "", "", DropInternal
		}
		return "IpAddress", a.String(), ""
	case indicator.Domain, indicator.Hostname:
		typ, value = "DomainName", x.Value
	case indicator.URL:
		typ, value = "Url", feedlist.URIValue(x.Value)
	case indicator.MD5:
		typ, value = "FileMd5", x.Value
	case indicator.SHA1:
		typ, value = "FileSha1", x.Value
	case indicator.SHA256:
		typ, value = "FileSha256", x.Value
	}
	if value == "" || !ioc.PlainText(value) {
		return "", "", DropText
	}
	return typ, value, ""
}

// title is the option's title, or the MISP event, or the feed.
func title(x indicator.Indicator, req renderers.Request, c config) string {
	switch {
	case c.title != "":
		return c.title
	case x.EventID != 0:
		return "MISP event " + strconv.FormatInt(x.EventID, 10)
	}
	return strings.TrimSpace("Cratos " + ioc.OneLine(req.Feed))
}

// description says where the indicator came from.
func description(x indicator.Indicator, req renderers.Request) string {
	var parts []string
	if x.MISPType != "" {
		parts = append(parts, "MISP "+x.MISPType)
	}
	if x.Category != "" {
		parts = append(parts, x.Category)
	}
	src := "Cratos"
	if req.Site != "" {
		src += " " + req.Site
	}
	if req.Feed != "" {
		src += " feed " + req.Feed
	}
	parts = append(parts, src)
	return ioc.OneLine(strings.Join(parts, "; "))
}

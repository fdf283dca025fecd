// Package csv renders indicators as RFC 4180 CSV with a header row
// (text/csv; charset=utf-8; header=present), one indicator per record,
// through encoding/csv.
package csv

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
	"github.com/cratos-project/cratos/renderers/internal/ioc"
)

// Name is the renderer's URL segment.
const Name = "csv"

// ContentType is the media type of the output.
const ContentType = "text/csv; charset=utf-8; header=present"

// Option names.
const (
	OptColumns    = "columns"
	OptExcelSafe  = "excel_safe"
	OptLineEnding = "line_ending"
)

// Columns lists every column in the default order.
var Columns = []string{"value", "type", "misp_type", "category", "to_ids", "event_id", "attribute_uuid", "timestamp"}

// Renderer renders CSV. The zero value is ready to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, config]

func init() { renderers.Register(Renderer{}) }

var info = renderers.Info{
	Name:        Name,
	Description: "RFC 4180 CSV with a header row: value, type and MISP context per indicator",
	ContentType: ContentType,
	Extension:   ".csv",
	Types:       indicator.AllTypes(),
	Options: []renderers.Option{
		{Name: OptColumns, Default: strings.Join(Columns, ","), Description: "comma-separated subset of the columns, in the order wanted"},
		{Name: OptExcelSafe, Default: "true", Description: "true prefixes ' to fields starting with = + - @ tab or CR, so spreadsheets do not run them as formulas", Kind: renderers.KindBool},
		{Name: OptLineEnding, Default: "crlf", Description: "record terminator: crlf (RFC 4180) or lf", Kind: renderers.KindEnum, Values: []string{"crlf", "lf"}},
	},
}

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

type column uint8

const (
	colValue column = iota
	colType
	colMISPType
	colCategory
	colToIDS
	colEventID
	colUUID
	colTimestamp
)

type config struct {
	columns   []column
	excelSafe bool
	crlf      bool
}

// Config reads the options.
func (def) Config(o renderers.Options) (config, error) {
	c := config{crlf: o.Enum(OptLineEnding) == "crlf", excelSafe: o.Bool(OptExcelSafe)}
	seen := map[string]bool{}
	for _, name := range strings.Split(o.String(OptColumns), ",") {
		name = strings.TrimSpace(name)
		i := slices.Index(Columns, name)
		switch {
		case i < 0:
			return config{}, fmt.Errorf("renderer %s: option %s: unknown column %q (valid: %s)", Name, OptColumns, name, strings.Join(Columns, ", "))
		case seen[name]:
			return config{}, fmt.Errorf("renderer %s: option %s: column %q listed twice", Name, OptColumns, name)
		}
		seen[name] = true
		c.columns = append(c.columns, column(i))
	}
	return c, nil
}

// Render writes the header row and one record per indicator. Fields
// holding a comma, a double quote, CR or LF are quoted; with line_ending
// crlf a line break inside a quoted field (a multi-line rule) is written
// as CRLF too, which CSV readers return as LF.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	return feedlist.Stream(ctx, w, req, Name, r.Parse, func(o *renderers.Out, c config, _ feedlist.Drops) error {
		writeRows(o, c, in)
		return nil
	})
}

// writeRows writes the header row and one row per indicator.
func writeRows(o *renderers.Out, c config, in iter.Seq[indicator.Indicator]) {
	cw := csv.NewWriter(o)
	cw.UseCRLF = c.crlf
	rec := make([]string, len(c.columns))
	for i, col := range c.columns {
		rec[i] = Columns[col]
	}
	_ = cw.Write(rec) // errors stay in o
	var tsBuf []byte
	var lastTS int64 = -1
	var lastTSText string
	for ind := range in {
		if o.Next() != nil {
			break
		}
		for i, col := range c.columns {
			var f string
			switch col {
			case colValue:
				f = ind.Value
			case colType:
				f = ind.Type.String()
			case colMISPType:
				f = ind.MISPType
			case colCategory:
				f = ind.Category
			case colToIDS:
				f = "0"
				if ind.ToIDS {
					f = "1"
				}
			case colEventID:
				if ind.EventID != 0 {
					f = strconv.FormatInt(ind.EventID, 10)
				}
			case colUUID:
				f = ind.UUID
			case colTimestamp:
				if ind.Timestamp != 0 && fourDigitYear(ind.Timestamp) {
					if ind.Timestamp != lastTS {
						tsBuf = time.Unix(ind.Timestamp, 0).UTC().AppendFormat(tsBuf[:0], time.RFC3339)
						lastTS, lastTSText = ind.Timestamp, string(tsBuf)
					}
					f = lastTSText
				}
			}
			if c.excelSafe {
				f = ioc.SpreadsheetSafe(f)
			}
			rec[i] = f
		}
		if len(rec) == 1 && rec[0] == "" {
			// encoding/csv writes a lone empty field as a blank line,
			// which readers skip (pandas) or read as no field at all
			// (Python's csv): the row is kept as "".
			cw.Flush()
			o.WriteString(emptyRow[c.crlf])
			continue
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
}

// emptyRow is a row of one empty field, by line ending (crlf or not).
var emptyRow = map[bool]string{true: "\"\"\r\n", false: "\"\"\n"}

// fourDigitYear reports whether unix time ts falls in years 0000 to 9999,
// the only ones RFC 3339 can write.
func fourDigitYear(ts int64) bool { return ts >= -62167219200 && ts <= 253402300799 }

// Package suricatadataset renders indicators as a Suricata dataset file
// (URL segment "suricata-dataset"): one value per line in the encoding of
// the dataset type, LF line ends and a final newline.
//
// The type is the option "type"; without it, it follows the route's data
// type, or else the first indicator's type. Values that the type cannot
// hold are left out and reported. The md5, sha1 and sha256 outputs are also
// the hash list files that the suricata renderer's filemd5, filesha1 and
// filesha256 rules read; with no value to list they hold the Placeholder.
package suricatadataset

import (
	"cmp"
	"context"
	"encoding/base64"
	"io"
	"iter"
	"net/netip"
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/listkind"
)

// Dataset types. Suricata has no sha1 dataset type; "sha1" gives the hex
// list that a filesha1 rule reads.
const (
	TypeString = "string" // base64 of the UTF-8 value
	TypeMD5    = "md5"    // 32 hex digits
	TypeSHA1   = "sha1"   // 40 hex digits (filesha1 list only)
	TypeSHA256 = "sha256" // 64 hex digits
	TypeIP     = "ip"     // IPv4 or IPv6 address
	TypeIPv4   = "ipv4"   // IPv4 address
)

// MaxString is the longest string value written, in bytes: Suricata reads
// a dataset file with a 1024-byte line buffer, and the 1020-character
// base64 of 765 bytes is the longest that fits with its line feed. A
// longer line is read as two lines, two wrong values and not the listed
// one.
const MaxString = 765

// DropLongString is the reason reported for a string value longer than
// MaxString.
const DropLongString = "string longer than 765 bytes (its base64 line does not fit Suricata's line buffer)"

// DropIPv4Alias is the reason reported for an IPv6 address whose last 96
// bits are zero in a dataset of type ip: Suricata keeps an IPv4 address in
// such a set as its four bytes followed by twelve zero bytes, so the line
// 2001:db8:: would match traffic to the IPv4 address 32.1.13.184 and not
// only the IPv6 address listed.
const DropIPv4Alias = "IPv6 address with its last 96 bits zero (an ip dataset matches it as an IPv4 address)"

// hashDigits are the hex digits of a line of each hash type.
var hashDigits = map[string]int{TypeMD5: 32, TypeSHA1: 40, TypeSHA256: 64}

// Placeholder returns the line written for a hash type (md5, sha1, sha256)
// when no value is listed, "" for other types: the all-zero hash, which no
// known file has. Suricata refuses to load a filemd5, filesha1 or
// filesha256 rule whose list file is empty ("rohash: no items"), and a
// sensor fetching its rules and lists separately may hold a rule whose
// list has since become empty; a list is never empty so that the rule
// keeps loading and matches nothing.
func Placeholder(typ string) string {
	n, ok := hashDigits[typ]
	if !ok {
		return ""
	}
	return strings.Repeat("0", n) + "\n"
}

// Renderer renders a Suricata dataset file. The zero value is ready to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, string]

var info = renderers.Info{
	Name:        "suricata-dataset",
	Reads:       renderers.FieldValue,
	Description: "Suricata dataset file: one value per line (string as base64, md5/sha256 hex, ip/ipv4 plain)",
	ContentType: "text/plain; charset=utf-8",
	Extension:   ".lst",
	Types: []indicator.Type{
		indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net,
		indicator.Domain, indicator.Hostname, indicator.URL, indicator.Email,
		indicator.MD5, indicator.SHA1, indicator.SHA256, indicator.JA3,
	},
	Options: []renderers.Option{{
		Name:        "type",
		Default:     "",
		Description: "dataset type: string, md5, sha1 (filesha1 list), sha256, ip or ipv4; empty: chosen from the data type, else the first indicator",
		Kind:        renderers.KindEnum,
		Values:      []string{TypeString, TypeMD5, TypeSHA1, TypeSHA256, TypeIP, TypeIPv4},
	}},
}

func init() { renderers.Register(Renderer{}) }

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

var fits = map[string]indicator.TypeSet{
	TypeString: indicator.SetOf(indicator.Domain, indicator.Hostname, indicator.URL, indicator.Email, indicator.JA3),
	TypeMD5:    indicator.SetOf(indicator.MD5),
	TypeSHA1:   indicator.SetOf(indicator.SHA1),
	TypeSHA256: indicator.SetOf(indicator.SHA256),
	TypeIP:     indicator.SetOf(indicator.IPv4, indicator.IPv6),
	TypeIPv4:   indicator.SetOf(indicator.IPv4),
}

// Config returns the dataset type the options name, "" when unset.
func (def) Config(o renderers.Options) (string, error) { return o.Enum("type"), nil }

// ForDataType returns the dataset type used for a route data type, or ""
// when the data type does not decide it.
func ForDataType(name string) string {
	switch name {
	case "ipv4", "ipv4ext", "cidr4":
		return TypeIPv4
	case "ipv6":
		return TypeIP
	case "domain", "hostname", "url", "email-address", "ja3":
		return TypeString
	case "file-md5":
		return TypeMD5
	case "file-sha1":
		return TypeSHA1
	case "file-sha256":
		return TypeSHA256
	}
	return ""
}

// forType returns the dataset type for an indicator type.
func forType(t indicator.Type) string {
	switch t {
	case indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net:
		return TypeIP
	case indicator.MD5:
		return TypeMD5
	case indicator.SHA1:
		return TypeSHA1
	case indicator.SHA256:
		return TypeSHA256
	}
	return TypeString
}

// Render writes the dataset file.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	typ, err := r.Parse(req.Options)
	if err != nil {
		return err
	}
	dataset := listkind.Choice{Kind: cmp.Or(typ, ForDataType(req.DataType)), ForType: forType, Holds: fits}
	out := renderers.NewOut(ctx, w)
	var buf []byte
	listed := false
	for ind := range in {
		if err := out.Next(); err != nil {
			return err
		}
		if !dataset.Take(ind.Type) {
			req.Drop(dropReason(dataset.Kind, ind.Type), 1)
			continue
		}
		if dataset.Kind == TypeString {
			if len(ind.Value) > MaxString {
				req.Drop(DropLongString, 1)
				continue
			}
			buf = base64.StdEncoding.AppendEncode(buf[:0], []byte(ind.Value))
			buf = append(buf, '\n')
			out.Write(buf)
			listed = true
			continue
		}
		if dataset.Kind == TypeIP && ind.Type == indicator.IPv6 && ipv4Alias(ind.Value) {
			req.Drop(DropIPv4Alias, 1)
			continue
		}
		out.WriteString(ind.Value)
		out.WriteByte('\n')
		listed = true
	}
	if !listed {
		out.WriteString(Placeholder(dataset.Kind))
	}
	return out.Close()
}

// ipv4Alias reports whether v is an IPv6 address that a Suricata ip
// dataset stores as an IPv4 one: its last 96 bits are zero.
func ipv4Alias(v string) bool {
	a, err := netip.ParseAddr(v)
	if err != nil || !a.Is6() {
		return false
	}
	b := a.As16()
	return [12]byte(b[4:]) == [12]byte{}
}

func dropReason(typ string, t indicator.Type) string {
	if (typ == TypeIP || typ == TypeIPv4) && (t == indicator.IPv4Net || t == indicator.IPv6Net) {
		return "net in a dataset of type " + typ + ", which holds addresses only"
	}
	return t.String() + " value in a dataset of type " + typ
}

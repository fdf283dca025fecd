package main

import (
	"context"
	"fmt"
	"io"
	"iter"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// Option names and defaults.
const (
	optList       = "list"
	optTimeout    = "timeout"
	optComment    = "comment"
	optMaxEntries = "max_entries"

	defaultList    = "cratos"
	defaultComment = "cratos"
)

var (
	listName    = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,63}$`)
	commentText = regexp.MustCompile(`^[A-Za-z0-9 _.:/-]{0,64}$`)
	// A RouterOS duration: "1w2d", "12h", "30m", or "hh:mm:ss".
	duration = regexp.MustCompile(`^(?:(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?|\d{1,2}:\d{2}:\d{2})$`)
)

// Renderer renders IPv4 and IPv6 addresses and networks as a RouterOS
// script for /import: it empties the address list in both families, then
// adds one entry per indicator. A /32 or /128 network is written as its
// address, and left out when it repeats the address just before it (the
// input is sorted, so they are neighbours), because RouterOS aborts an
// import on a duplicate entry.
type Renderer struct{}

// Info describes the renderer.
func (Renderer) Info() renderers.Info {
	return renderers.Info{
		Name:        "routeros",
		Reads:       renderers.FieldValue | renderers.FieldEventID,
		Description: "MikroTik RouterOS script that replaces a firewall address list (IPv4 and IPv6)",
		ContentType: "text/plain; charset=utf-8",
		Extension:   ".rsc",
		Types:       []indicator.Type{indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net},
		Options: []renderers.Option{
			{Name: optList, Default: defaultList, Description: "address list name (letters, digits, '_', '.', '-')"},
			{Name: optTimeout, Default: "", Description: "entry timeout as a RouterOS duration (\"1d\", \"12h\"); empty for static entries"},
			{Name: optComment, Default: defaultComment, Description: "comment prefix, followed by the MISP event id (\"cratos e42\"); empty for none"},
			{Name: optMaxEntries, Default: "0", Description: "most entries in the script, 0 for no limit; the rest are dropped and reported", Kind: renderers.KindInt},
		},
	}
}

// config is the parsed options.
type config struct {
	list, timeout, comment string
	maxEntries             int
}

var _ renderers.OptionValidator = Renderer{}

// ValidateOptions rejects unknown options and bad values.
func (r Renderer) ValidateOptions(opts map[string]string) error {
	_, err := r.parse(opts)
	return err
}

func (r Renderer) parse(opts map[string]string) (config, error) {
	o, err := renderers.ParseOptions(r.Info(), opts)
	if err != nil {
		return config{}, err
	}
	c := config{list: o.String(optList), timeout: o.String(optTimeout), comment: o.String(optComment), maxEntries: o.Int(optMaxEntries)}
	switch {
	case !listName.MatchString(c.list):
		return config{}, renderers.OptionError("routeros", optList, "1 to 63 letters, digits, '_', '.' or '-'", c.list)
	case c.timeout != "" && !duration.MatchString(c.timeout):
		return config{}, renderers.OptionError("routeros", optTimeout, "a RouterOS duration such as 1d, 12h or 01:30:00", c.timeout)
	case !commentText.MatchString(c.comment):
		return config{}, renderers.OptionError("routeros", optComment, "at most 64 letters, digits, spaces or _.:/-", c.comment)
	}
	return c, nil
}

// Render writes the script.
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	c, err := r.parse(req.Options)
	if err != nil {
		return err
	}
	out := renderers.NewOut(ctx, w)
	out.WriteString("# MikroTik RouterOS address list from Cratos; load with /import\n")
	out.WriteString("# site " + oneLine(req.Site) + ", feed " + oneLine(req.Feed))
	if req.DataType != "" {
		out.WriteString(", data type " + oneLine(req.DataType))
	}
	out.WriteString("\n# generated " + req.Generated.UTC().Format(time.RFC3339) + "\n")
	out.WriteString("/ip firewall address-list remove [find list=\"" + c.list + "\"]\n")
	out.WriteString("/ipv6 firewall address-list remove [find list=\"" + c.list + "\"]\n")

	var (
		menu    string
		n       int
		capped  int
		skipped int
		dup     int
		last    string
		line    []byte
	)
	for x := range in {
		if err := out.Next(); err != nil {
			return fmt.Errorf("renderer routeros: %w", err)
		}
		// RouterOS holds a full-length prefix as the address itself and
		// refuses to add it twice, which would stop the whole import.
		var m, addr string
		switch x.Type {
		case indicator.IPv4, indicator.IPv4Net:
			m, addr = "/ip firewall address-list\n", strings.TrimSuffix(x.Value, "/32")
		case indicator.IPv6, indicator.IPv6Net:
			m, addr = "/ipv6 firewall address-list\n", strings.TrimSuffix(x.Value, "/128")
		default:
			skipped++
			continue
		}
		if addr == last {
			dup++
			continue
		}
		last = addr
		if c.maxEntries > 0 && n >= c.maxEntries {
			capped++
			continue
		}
		n++
		if m != menu {
			out.WriteString(m)
			menu = m
		}
		line = append(line[:0], "add list=\""...)
		line = append(line, c.list...)
		line = append(line, "\" address="...)
		line = append(line, addr...)
		if c.timeout != "" {
			line = append(line, " timeout="...)
			line = append(line, c.timeout...)
		}
		if c.comment != "" {
			line = append(line, " comment=\""...)
			line = append(line, c.comment...)
			if x.EventID > 0 {
				line = strconv.AppendInt(append(line, " e"...), x.EventID, 10)
			}
			line = append(line, '"')
		}
		_, _ = out.Write(append(line, '\n'))
	}
	req.Drop("same address as the entry before", dup)
	req.Drop("max_entries", capped)
	req.Drop("not an IP address or network", skipped)
	if err := out.Close(); err != nil {
		return fmt.Errorf("renderer routeros: %w", err)
	}
	return nil
}

// oneLine makes s safe inside a script comment: one line of printable text.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

package stix21

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"iter"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
	"github.com/cratos-project/cratos/renderers/internal/ioc"
)

// Name is the renderer's URL segment.
const Name = "stix21"

// ContentType is the media type of a STIX 2.1 bundle.
const ContentType = "application/stix+json;version=2.1"

// Option names and defaults.
const (
	OptIdentityName = "identity_name"
	OptTLP          = "tlp"
	OptTLPVersion   = "tlp_version"

	DefaultIdentityName = "Cratos"
)

// identityEpoch is the created and modified time of the identity object:
// its content depends on the name alone, so its version never changes.
const identityEpoch = "2026-01-01T00:00:00.000Z"

// bundleHead starts a bundle, and bundleTail follows its objects, before
// the bundle's id and "}\n".
const (
	bundleHead = `{"type":"bundle","objects":[` + "\n"
	bundleTail = "\n],\"id\":\"bundle--"
)

// maxNameRunes bounds an indicator's name (the value is cut, "…" added).
const maxNameRunes = 120

// Renderer renders a STIX 2.1 bundle. The zero value is ready to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, config]

func init() { renderers.Register(Renderer{}) }

var info = renderers.Info{
	Name:        Name,
	Reads:       renderers.FieldValue | renderers.FieldTimestamp,
	Versioned:   true, // version.go
	Description: "STIX 2.1 bundle: a producer identity, an optional TLP marking and one indicator per value",
	ContentType: ContentType,
	Extension:   ".json",
	Types: []indicator.Type{
		indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net,
		indicator.Domain, indicator.Hostname, indicator.URL,
		indicator.MD5, indicator.SHA1, indicator.SHA256,
		indicator.Email, indicator.EmailSubject, indicator.EmailAttachment, indicator.Mutex,
		indicator.Snort, indicator.Yara, indicator.Sigma,
		indicator.X509MD5, indicator.X509SHA1, indicator.X509SHA256, indicator.Imphash,
	},
	Options: []renderers.Option{
		{Name: OptIdentityName, Default: DefaultIdentityName, Description: "name of the producer identity referenced by created_by_ref; its id is derived from the name"},
		{Name: OptTLP, Default: "none", Description: "TLP marking applied to every indicator: none, clear, white, green, amber, amber+strict or red"},
		{Name: OptTLPVersion, Default: "auto", Description: "marking scheme: auto (TLP 1.0 for white/green/amber/red, TLP 2.0 for clear/amber+strict), 1 or 2", Kind: renderers.KindEnum, Values: []string{"auto", "1", "2"}},
	},
}

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

type config struct {
	identityName string
	marking      *marking
}

// Config reads the options.
func (def) Config(o renderers.Options) (config, error) {
	c := config{identityName: o.String(OptIdentityName)}
	switch v := c.identityName; {
	case strings.TrimSpace(v) == "":
		return config{}, renderers.OptionError(Name, OptIdentityName, "a name", v)
	case len(v) > 256:
		return config{}, renderers.OptionError(Name, OptIdentityName, "at most 256 bytes", v)
	case !utf8.ValidString(v) || ioc.HasControl(v):
		return config{}, renderers.OptionError(Name, OptIdentityName, "UTF-8 text without control characters", v)
	}
	level := strings.ToLower(o.String(OptTLP))
	if level == "" {
		level = "none"
	}
	m, err := lookupMarking(level, o.Enum(OptTLPVersion))
	if err != nil {
		return config{}, fmt.Errorf("renderer %s: option %s: %w", Name, OptTLP, err)
	}
	c.marking = m
	return c, nil
}

// Render writes the bundle. Indicators of types STIX cannot express, and
// values a pattern cannot carry (control characters, invalid UTF-8), are
// left out and reported through req.Drop. An indicator of req.Previous,
// the bundle last served for the list, never gets an earlier modified
// time than it had there, and one missing from it gets the later of its
// own time and the list's date (version.go).
func (r Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	return feedlist.Stream(ctx, w, req, Name, r.Parse, func(o *renderers.Out, c config, d feedlist.Drops) error {
		e := newEncoder(c, req.Generated)
		e.scopeIDs()
		e.clampToGenerated(req.Generated)
		prev := readVersions(req.Previous) // version.go
		digest := sha256.New()
		emit := func(b []byte) {
			o.Write(b)
			digest.Write(b)
		}
		o.WriteString(bundleHead)
		emit(e.identity())
		if c.marking != nil {
			emit([]byte(",\n" + c.marking.json))
		}
		for ind := range in {
			if o.Next() != nil {
				break
			}
			b, reason := e.indicator(ind)
			if reason != "" {
				d.Add(reason, 1)
				continue
			}
			if prev != nil {
				prev.settle(b[2:], e.generated)
			}
			emit(b)
		}
		o.WriteString(bundleTail)
		o.WriteString(bundleID(req, digest).String())
		o.WriteString("\"}\n")
		return nil
	})
}

// bundleID derives the bundle id from the request and the digest of the
// objects, so identical input gives an identical bundle.
func bundleID(req renderers.Request, digest hash.Hash) uuid {
	name := strings.Join([]string{
		"bundle", req.Site, req.Feed, req.DataType,
		req.Generated.UTC().Format(time.RFC3339Nano),
		hex.EncodeToString(digest.Sum(nil)),
	}, "\n")
	return newUUID5(namespace, []byte(name))
}

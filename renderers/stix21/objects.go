package stix21

import (
	"fmt"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
)

// Objects encodes single STIX objects exactly as Render writes them in a
// bundle, for consumers that serve objects one by one (TAXII
// collections). It is not safe for concurrent use.
type Objects struct {
	e *encoder
}

// NewObjects returns an encoder for the renderer options opts (the
// site's stix21 options). generated dates indicators whose timestamp is
// unknown, as Request.Generated does for Render.
func NewObjects(opts map[string]string, generated time.Time) (*Objects, error) {
	c, err := Renderer{}.Parse(opts)
	if err != nil {
		return nil, fmt.Errorf("stix21: %w", err)
	}
	return &Objects{e: newEncoder(c, generated)}, nil
}

// Identity returns the producer identity object and its id.
func (o *Objects) Identity() (id string, obj []byte) {
	return o.e.identityID, o.e.identity()
}

// Marking returns the TLP marking-definition object and its id, or ""
// and nil when the options set no marking.
func (o *Objects) Marking() (id string, obj []byte) {
	if m := o.e.c.marking; m != nil {
		return m.id, []byte(m.json)
	}
	return "", nil
}

// Indicator returns the indicator object for in and true, or false when
// Render would leave it out. The slice is valid until the next call.
func (o *Objects) Indicator(in indicator.Indicator) ([]byte, bool) {
	b, reason := o.e.indicator(in)
	if reason != "" {
		return nil, false
	}
	return b[2:], true // without the ",\n" separator
}

// IndicatorID returns the id Objects gives the indicator of in, and
// Render with the default identity and no TLP marking (scopeIDs).
func IndicatorID(in indicator.Indicator) string {
	u, _ := uuid5Scratch(nil, in.Type.String(), "|", in.Value)
	return "indicator--" + u.String()
}

// NameUUID returns the version 5 UUID of name in the Cratos STIX name
// space (Namespace), for ids derived from names.
func NameUUID(name string) string {
	return newUUID5(namespace, []byte(name)).String()
}

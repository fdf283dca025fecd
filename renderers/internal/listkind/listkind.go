// Package listkind chooses the one kind of list a renderer writes (an
// address list, a name list, a URL list ...) and tells which indicators
// the list holds. The kind is the one the options name, else the one the
// route's data type decides, else the one the first indicator calls for;
// indicators of types the kind does not hold are left out by the
// renderer, with its own reason.
package listkind

import "github.com/cratos-project/cratos/core/indicator"

// Type sets that list kinds commonly hold.
var (
	IPs   = indicator.SetOf(indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net)
	Names = indicator.SetOf(indicator.Domain, indicator.Hostname)
)

// Choice is the kind of one list, chosen once.
type Choice struct {
	// Kind is the chosen kind: set it to the option's or the data type's
	// kind, or leave it "" for Take to choose.
	Kind string
	// ForType is the kind of a list whose first indicator has type t.
	ForType func(t indicator.Type) string
	// Holds maps each kind to the types its list holds.
	Holds map[string]indicator.TypeSet
}

// Take reports whether the list holds an indicator of type t, first
// choosing Kind from t when it is still "".
func (c *Choice) Take(t indicator.Type) bool {
	if c.Kind == "" {
		c.Kind = c.ForType(t)
	}
	return c.Holds[c.Kind].Has(t)
}

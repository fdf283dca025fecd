package renderers

import (
	"errors"
	"fmt"
	"mime"
	"regexp"
	"slices"
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
)

// namePattern is the one rule for a renderer name: the registry, the plugin
// server and launcher and the conformance checks all apply it. A name is a
// URL segment and a key of the site file.
var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

// NameRule describes namePattern for error messages.
const NameRule = "lower-case letters, digits, '.', '_' and '-', at most 63, starting with a letter or digit"

// ValidName reports whether name is a valid renderer name.
func ValidName(name string) bool { return namePattern.MatchString(name) }

// Validate returns the problems of info joined (nil when there is none): a
// name that is not a valid renderer name, a description that is not one
// line, a content type that does not parse, an extension that is not a file
// suffix, no type, an unknown or repeated type, and an option without a
// name, declared twice, an enum without values or with a default its kind
// refuses.
func (info Info) Validate() error { return errors.Join(info.Problems()...) }

// Problems lists what Validate reports, one error per problem.
func (info Info) Problems() []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !ValidName(info.Name) {
		fail("Name %q must match %s (it is a URL segment)", info.Name, namePattern)
	}
	if strings.TrimSpace(info.Description) == "" || strings.ContainsAny(info.Description, "\r\n") {
		fail("Description %q must be one non-empty line", info.Description)
	}
	if _, _, err := mime.ParseMediaType(info.ContentType); err != nil {
		fail("ContentType %q: %w", info.ContentType, err)
	}
	if len(info.Extension) < 2 || info.Extension[0] != '.' || strings.ContainsAny(info.Extension, "/\\ \t\r\n") {
		fail("Extension %q must start with '.' and name a file suffix", info.Extension)
	}
	if len(info.Types) == 0 {
		fail("Types is empty: the renderer would never receive an indicator")
	}
	seen := map[indicator.Type]bool{}
	for _, t := range info.Types {
		switch {
		case t == indicator.Invalid:
			fail("Types lists indicator.Invalid")
		case !slices.Contains(indicator.AllTypes(), t):
			fail("Types lists unknown type %d", uint8(t))
		case seen[t]:
			fail("Types lists %s twice", t)
		}
		seen[t] = true
	}
	names := map[string]bool{}
	for _, o := range info.Options {
		switch {
		case strings.TrimSpace(o.Name) == "":
			fail("an option has an empty name")
		case names[o.Name]:
			fail("option %q is declared twice", o.Name)
		case o.Kind == KindEnum && len(o.Values) == 0:
			fail("option %q is an enum without values", o.Name)
		default:
			if want := o.want(o.Default); want != "" {
				fail("option %q: its default %q does not fit: want %s", o.Name, o.Default, want)
			}
		}
		names[o.Name] = true
	}
	return errs
}

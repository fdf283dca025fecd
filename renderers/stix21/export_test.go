package stix21

import "strings"

// SchemelessURLPattern is schemelessURLPattern for the external tests.
var SchemelessURLPattern = schemelessURLPattern

// schemelessURLPattern turns the pattern of a URL without a scheme,
// "[url:value = 'http://X' OR url:value = 'https://X']", into
// "[url:value = 'X']" after checking that both literals agree.
func schemelessURLPattern(p string) string {
	const head, or = "[url:value = 'http://", "' OR url:value = 'https://"
	rest, ok := strings.CutPrefix(p, head)
	if !ok {
		return p
	}
	a, b, ok := strings.Cut(rest, or)
	if !ok || b != a+"']" {
		return p
	}
	return "[url:value = '" + b
}

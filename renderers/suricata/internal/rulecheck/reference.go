// The value of reference, read as Suricata 7 reads it.

package rulecheck

import (
	"regexp"
	"strings"
)

// referenceRE is Suricata 7's reference regex (src/detect-reference.c),
// PCRE's \s written out: a system name, a comma, perhaps two quotes with
// white space, and the reference's first bytes of its own class; the rest
// of the value is not read.
var referenceRE = regexp.MustCompile(`^[ \t\n\v\f\r]*([A-Za-z0-9]+)[ \t\n\v\f\r]*,"?[ \t\n\v\f\r]*"?[ \t\n\v\f\r]*([a-zA-Z0-9\-_./?=]+)`)

// maxReferenceSystem and maxReferenceContent are the longest system name
// and reference Suricata 7 copies (REFERENCE_SYSTEM_NAME_MAX and
// REFERENCE_CONTENT_NAME_MAX, less the terminating byte).
const maxReferenceSystem, maxReferenceContent = 63, 1023

// validReference reads a reference value as Suricata 7 does: not opening
// with a quote (the keyword takes none), then referenceRE, with a system
// name starting with a letter (an unknown one is added as a line of
// reference.config, whose regex wants a letter first) and both parts
// within Suricata's buffers. A quote inside, reference:url,"a.com/x",
// is read past.
func validReference(v string) bool {
	if strings.HasPrefix(v, `"`) {
		return false
	}
	m := referenceRE.FindStringSubmatch(v)
	return m != nil && isLetter(m[1][0]) && len(m[1]) <= maxReferenceSystem && len(m[2]) <= maxReferenceContent
}

package renderers

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// droppedClean keeps a reason from breaking DroppedHeader's list, and the
// header: a control character (a plugin's reason may hold any) makes an
// HTTP client such as Go's refuse the whole answer.
func droppedClean(reason string) string {
	return strings.Map(func(r rune) rune {
		if r == ',' || r == ';' || r == '=' || r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, reason)
}

// DroppedHeader formats what an answer left out, counts by reason, as
// the X-Cratos-Dropped header: "reason=count, ..." sorted by reason, with
// the list's separators and control characters in a reason replaced by
// spaces; "" when nothing was left out.
func DroppedHeader(dropped map[string]int) string {
	parts := make([]string, 0, len(dropped))
	for _, k := range slices.Sorted(maps.Keys(dropped)) {
		parts = append(parts, droppedClean(k)+"="+strconv.Itoa(dropped[k]))
	}
	return strings.Join(parts, ", ")
}

package renderers

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// droppedClean keeps a reason from breaking DroppedHeader's list.
var droppedClean = strings.NewReplacer(",", " ", ";", " ", "=", " ")

// DroppedHeader formats what an answer left out, counts by reason, as
// the X-Cratos-Dropped header: "reason=count, ..." sorted by reason, with
// the list's separators in a reason replaced by spaces; "" when nothing
// was left out.
func DroppedHeader(dropped map[string]int) string {
	parts := make([]string, 0, len(dropped))
	for _, k := range slices.Sorted(maps.Keys(dropped)) {
		parts = append(parts, droppedClean.Replace(k)+"="+strconv.Itoa(dropped[k]))
	}
	return strings.Join(parts, ", ")
}

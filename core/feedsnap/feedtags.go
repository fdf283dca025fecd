package feedsnap

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/cratos-project/cratos/core/misp"
)

// feedTags is what MISP's tag search said of the names in a feed's tags
// filter: the tags they stand for, each by id and name, as one comparable
// key. A tag renamed to or from one of those names (a typo fixed to the
// feed's tag, a tag renamed away from it or to the false-positive tag)
// moves no event or attribute timestamp, and MISP's tags table has no
// date of its own: only this key, asked again, shows it. known is false
// when the search was not made or failed.
type feedTags struct {
	key   string
	known bool
}

// readFeedTags asks MISP (one /tags/search request) which tags the names
// of q's tags filter, negated ones included, stand for. MISP's search
// matches names without case, restSearch's filter as the tags table's
// collation says: the key holds the names as they are, so a tag whose
// name changes only in case changes it too.
func readFeedTags(ctx context.Context, src Source, q misp.Query, c *Cost) feedTags {
	names := make([]string, 0, len(q.Tags))
	for _, t := range q.Tags {
		if t = strings.TrimPrefix(t, "!"); t != "" {
			names = append(names, t)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if src.Tags == nil || len(names) == 0 {
		return feedTags{}
	}
	c.TagReads++
	tags, err := src.Tags(ctx, names)
	if err != nil {
		return feedTags{}
	}
	rows := make([]string, 0, len(tags))
	for _, t := range tags {
		rows = append(rows, strconv.FormatInt(t.ID, 10)+"\x00"+t.Name)
	}
	slices.Sort(rows)
	return feedTags{key: strings.Join(slices.Compact(rows), "\x01"), known: true}
}

package export

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// Kind is the family of route a request came through.
type Kind string

// Route kinds.
const (
	KindFeed   Kind = "feed"
	KindOrg    Kind = "uuid"
	KindVendor Kind = "vendor"
)

// ErrUnknownFeed is returned for a custom feed the site does not configure.
var ErrUnknownFeed = errors.New("feed is not configured for this site")

// ErrBadAge is returned for an age that is not N followed by h, d, w, m or y
// within ten years.
var ErrBadAge = errors.New("age must be a number followed by h, d, w, m or y, at most 10 years")

// LegacyAges are the 24 dataAge values the original accepts.
var LegacyAges = []string{"1h", "2h", "6h", "12h", "1d", "2d", "3d", "4d", "5d", "6d", "1w", "2w", "3w",
	"1m", "2m", "3m", "4m", "5m", "6m", "9m", "1y", "2y", "4y", "10y"}

// Since returns the oldest time an attribute may have been changed for age
// ("12h", "3d", "2w", "6m", "1y"): hours, days and weeks are fixed
// durations, months and years are calendar steps, as in the original.
func Since(age string, now time.Time) (time.Time, error) {
	// N (1 to 5 digits) and a unit letter.
	if len(age) < 2 || len(age) > 6 {
		return time.Time{}, ErrBadAge
	}
	n := 0
	for _, c := range age[:len(age)-1] {
		if c < '0' || c > '9' {
			return time.Time{}, ErrBadAge
		}
		n = n*10 + int(c-'0')
	}
	var t time.Time
	switch age[len(age)-1] {
	case 'h':
		t = now.Add(-time.Duration(n) * time.Hour)
	case 'd':
		t = now.AddDate(0, 0, -n)
	case 'w':
		t = now.AddDate(0, 0, -7*n)
	case 'm':
		t = addMonths(now, -n)
	case 'y':
		t = addMonths(now, -12*n)
	default:
		return time.Time{}, ErrBadAge
	}
	if t.Before(now.AddDate(-10, 0, 0)) || n == 0 {
		return time.Time{}, ErrBadAge
	}
	return t, nil
}

// addMonths steps whole calendar months, clamping the day to the end of
// a shorter month (31 March minus one month is 28 or 29 February), as the
// original's relativedelta does.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m, 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location()).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// BuildQuery turns a route into the restSearch the original sends for it
// (its behaviour §5), with its bugs fixed: an unconfigured custom feed is
// ErrUnknownFeed rather than everything, and ignore_to_ids matches data
// type names as well as MISP type names.
func BuildQuery(site *config.Site, kind Kind, feed, org string, dt indicator.DataType, since time.Time) (misp.Query, error) {
	fp := "!" + site.Tag + ":incident-classification=false-positive"
	q := misp.Query{
		Types:              dt.MISPTypes,
		Tags:               []string{fp},
		Timestamp:          since.Unix(),
		Published:          true,
		EnforceWarninglist: true,
		ToIDS:              !ignoresToIDS(site, dt),
	}
	if kind == KindOrg {
		q.Org = org
		return q, nil
	}
	if err := checkFeed(site, feed); err != nil {
		return misp.Query{}, err
	}
	switch feed {
	case "incident", "alert", "hunt":
		// MISP skips a false filter, so these include unpublished events.
		q.Published = false
	case "42":
		q.EnforceWarninglist = false
	}
	if suffixes, ok := site.CustomFeeds.Lookup(feed); ok {
		for _, s := range suffixes {
			q.Tags = append(q.Tags, site.Tag+s)
		}
		return q, nil
	}
	switch feed {
	case "incident", "block", "alert", "hunt":
		q.Tags = append(q.Tags, site.Tag+":incident-classification="+feed)
	}
	return q, nil
}

// checkFeed returns ErrUnknownFeed for a feed the site does not serve: a
// name outside config.FeedNames, or one of cust1…cust5 its custom_feeds
// does not list.
func checkFeed(site *config.Site, feed string) error {
	if !slices.Contains(config.FeedNames, feed) {
		return fmt.Errorf("feed %q: %w", feed, ErrUnknownFeed)
	}
	switch feed {
	case "incident", "block", "alert", "hunt", "any", "42":
		return nil
	}
	if _, ok := site.CustomFeeds.Lookup(feed); !ok {
		return fmt.Errorf("feed %q: %w", feed, ErrUnknownFeed)
	}
	return nil
}

func ignoresToIDS(site *config.Site, dt indicator.DataType) bool {
	for _, name := range site.IgnoreToIDs {
		if name == dt.Name || slices.Contains(dt.MISPTypes, name) {
			return true
		}
	}
	return false
}

// FeedMapping returns the lines of the feed mapping route: one per feed,
// incident, block, alert, hunt, then the custom feeds in file order.
func FeedMapping(site *config.Site) []string {
	var out []string
	for _, f := range []string{"incident", "block", "alert", "hunt"} {
		if _, custom := site.CustomFeeds.Lookup(f); custom {
			continue
		}
		out = append(out, fmt.Sprintf("Feed name: %q is mapped to MISP tag: %s:incident-classification=%s", f, site.Tag, f))
	}
	for _, c := range site.CustomFeeds {
		for _, s := range c.Suffixes {
			out = append(out, fmt.Sprintf("Feed name: %q is mapped to MISP tag: %s%s", c.Name, site.Tag, s))
		}
	}
	return out
}

package server

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// SetZones has the console show the DNS zones zones returns; the DNS
// primary starts after the server is built.
func (s *Server) SetZones(zones ZonesFunc) {
	s.zones.Store(&zones)
}

type zoneRow struct {
	Zone, Site, ExpiredSite, Feed, Serial, LastSuccess, Failures, Transfers, Notifies string
	Refused                                                                           uint64
	Late, Loaded, Failed                                                              bool
}

type zonesData struct {
	pageData
	Zones []zoneRow
	Late  int
}

// zoneLateAfter is how many rebuild intervals without a successful
// rebuild mark a zone late, as three expected intervals mark a consumer.
const zoneLateAfter = 3

func (s *Server) pageZones(c *fiber.Ctx, sess *session) error {
	now := s.opts.Now()
	d := zonesData{pageData: s.page(sess, "DNS zones", "zones")}
	var zones []ZoneStatus
	if f := s.zones.Load(); f != nil && *f != nil {
		zones = (*f)()
	}
	for _, z := range zones {
		row := zoneRow{Zone: z.Zone, Site: z.Site, ExpiredSite: z.ExpiredSite, Feed: z.Feed, Serial: "none yet", Loaded: z.Loaded,
			LastSuccess: "none since the start", Failures: counts(z.Failures), Transfers: counts(z.Transfers),
			Refused: z.TransfersRefused, Notifies: strconv.FormatUint(z.NotifyFailures, 10) + " of " + strconv.FormatUint(z.Notifies, 10)}
		if z.TransfersFailed > 0 {
			row.Transfers += "; " + strconv.FormatUint(z.TransfersFailed, 10) + " cut short"
		}
		if z.Loaded {
			row.Serial = strconv.FormatUint(uint64(z.Serial), 10)
		}
		last := z.LastSuccess
		if !last.IsZero() {
			row.LastSuccess = when(last, now)
		} else {
			last = z.Started
		}
		row.Late = z.Refresh > 0 && !last.IsZero() && now.Sub(last) > zoneLateAfter*z.Refresh
		row.Failed = z.LastFailed && row.Failures != "none" // red until a rebuild succeeds
		if row.Late {
			d.Late++
		}
		d.Zones = append(d.Zones, row)
	}
	return sendConsole(c, fiber.StatusOK, "zones.html", d)
}

// counts formats the non-zero counts of m by key: "misp 2, token 1", or
// "none".
func counts(m map[string]uint64) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if m[k] > 0 {
			parts = append(parts, k+" "+strconv.FormatUint(m[k], 10))
		}
	}
	if parts == nil {
		return "none"
	}
	return strings.Join(parts, ", ")
}

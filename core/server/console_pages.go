package server

import (
	"context"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/cratos-project/cratos/internal/mdsafe"
	"github.com/cratos-project/cratos/renderers"
)

// pageData is what every console page has.
type pageData struct {
	Title, Page, Version  string
	Session               bool
	CSRF, Operator, Flash string
	LookupEnabled         bool
	LookupQuery           string
	// Next is where the page sends the browser at once (continue.html).
	Next string
}

func (s *Server) page(sess *session, title, page string) pageData {
	return pageData{Title: title, Page: page, Version: Version, Session: true, CSRF: sess.csrf, Operator: sess.name,
		Flash: s.sessions.takeFlash(sess), LookupEnabled: s.lookupEnabled()}
}

// when formats a time for a table cell: UTC, and how long ago.
func when(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04:05") + " UTC (" + ago(now.Sub(t)) + ")"
}

func ago(d time.Duration) string {
	if d < 0 {
		return "in " + span(-d)
	}
	return span(d) + " ago"
}

func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + " s"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + " min"
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1f h", d.Hours())
	}
	return strconv.Itoa(int(d.Hours()/24)) + " days"
}

// size formats a byte count.
func size(n int) string {
	switch {
	case n < 1024:
		return strconv.Itoa(n) + " B"
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

type siteRow struct {
	Name, Tag, LastBuild string
	Enabled              bool
	Consumers, Late      int
}

type listRow struct {
	Site, List, Entries, Size, Built, Cache, LastServed string
	Pulls                                               int64
	Stale                                               bool
}

type holdRow struct {
	ID, Site, List, Reason, Since string
	// Releasable: the hold is on the session's site.
	Releasable bool
}

type overviewData struct {
	pageData
	Sites      []siteRow
	Lists      []listRow
	HoldsWired bool
	Holds      []holdRow
}

func (s *Server) pageOverview(c *fiber.Ctx, sess *session) error {
	now := s.opts.Now()
	d := overviewData{pageData: s.page(sess, "Sites and feeds", "overview"), HoldsWired: s.opts.Holds != nil}
	late := map[string]int{}
	for _, st := range s.opts.Consumers.Consumers() {
		if st.Late {
			late[st.Site]++
		}
	}
	for _, site := range s.opts.Sites.All() {
		row := siteRow{Name: site.Name, Tag: site.Tag, Enabled: site.IsEnabled(), Consumers: len(site.Consumers), Late: late[site.Name],
			LastBuild: when(s.opts.Export.SiteState(site.Name).LastBuild, now)}
		d.Sites = append(d.Sites, row)
	}
	for _, l := range s.opts.Consumers.Lists() {
		d.Lists = append(d.Lists, listRow{Site: l.Site, List: l.List, Entries: strconv.Itoa(l.Entries), Size: size(l.Size),
			Built: when(l.Built, now), Cache: l.Cache, LastServed: when(l.LastServed, now), Pulls: l.Pulls, Stale: l.Stale()})
	}
	if s.opts.Holds != nil {
		for _, h := range s.opts.Holds.Holds() {
			d.Holds = append(d.Holds, holdRow{ID: h.ID, Site: h.Site, List: h.List, Reason: h.Reason, Since: when(h.Since, now),
				Releasable: h.Site == sess.site})
		}
	}
	return sendConsole(c, fiber.StatusOK, "overview.html", d)
}

// releaseHold releases a hold of the session's site, as POST
// /v1/holds/release does for the token's site.
func (s *Server) releaseHold(c *fiber.Ctx, sess *session) error {
	id := c.FormValue("id")
	site := s.holdSite(id)
	switch {
	case s.opts.Holds == nil:
		s.sessions.setFlash(sess, "No guard is running: there is nothing to release.")
	case id == "" || len(id) > 256:
		s.sessions.setFlash(sess, "No hold named.")
	case site != "" && site != sess.site:
		s.sessions.setFlash(sess, "Hold "+id+" not released: it holds a list of site "+site+"; only an admin token of that site may release it.")
	default:
		if err := s.opts.Holds.Release(id, sess.name); err != nil {
			s.sessions.setFlash(sess, "Hold "+id+" not released: "+err.Error())
		} else {
			s.opts.Logger.Info("console released hold", "hold", id, "by", sess.name)
			s.sessions.setFlash(sess, "Hold "+id+" released.")
		}
	}
	return c.Redirect("/ui/#holds", fiber.StatusSeeOther)
}

// holdSite returns the site of the hold id, or "" when there is none.
func (s *Server) holdSite(id string) string {
	if s.opts.Holds == nil {
		return ""
	}
	for _, h := range s.opts.Holds.Holds() {
		if h.ID == id {
			return h.Site
		}
	}
	return ""
}

type consumerRow struct {
	Site, Name, Fingerprint, Expect, LastPull, List, Status, Bytes, ETag, UserAgent, Addr, Due string
	Late, Pulled                                                                               bool
}

type consumersData struct {
	pageData
	Consumers []consumerRow
	Unnamed   []consumerRow
	Late      int
}

func (s *Server) pageConsumers(c *fiber.Ctx, sess *session) error {
	now := s.opts.Now()
	d := consumersData{pageData: s.page(sess, "Consumers", "consumers")}
	for _, st := range s.opts.Consumers.Consumers() {
		row := consumerRow{Site: st.Site, Name: st.Name, Fingerprint: st.Fingerprint[:16], Expect: "—", Late: st.Late,
			LastPull: when(st.Last.Time, now), Pulled: !st.Last.Time.IsZero()}
		if st.ExpectEvery > 0 {
			row.Expect = st.ExpectEvery.String()
			row.Due = when(st.Due, now)
		}
		if row.Pulled {
			fillPull(&row, st.Last.List, st.Last.Status, st.Last.Bytes, st.Last.ETag, st.Last.UserAgent, st.Last.Addr)
		}
		if st.Late {
			d.Late++
		}
		d.Consumers = append(d.Consumers, row)
	}
	for _, p := range s.opts.Consumers.Unnamed() {
		row := consumerRow{Site: p.Site, Fingerprint: p.Fingerprint, LastPull: when(p.Time, now), Pulled: true}
		fillPull(&row, p.List, p.Status, p.Bytes, p.ETag, p.UserAgent, p.Addr)
		d.Unnamed = append(d.Unnamed, row)
	}
	return sendConsole(c, fiber.StatusOK, "consumers.html", d)
}

func fillPull(row *consumerRow, list string, status, bytes int, etag, ua, addr string) {
	row.List, row.Status, row.Bytes, row.ETag, row.UserAgent, row.Addr = list, strconv.Itoa(status), size(bytes), etag, ua, addr
}

type rendererRow struct {
	Name, Description, ContentType, Extension, DataTypes string
	Options                                              []optionView
	Documented                                           bool
	README                                               template.HTML
}

type renderersData struct {
	pageData
	Renderers []rendererRow
	Renderer  *rendererRow
}

func rendererInfo(r renderers.Renderer) rendererRow {
	info := r.Info()
	row := rendererRow{Name: info.Name, Description: info.Description, ContentType: info.ContentType, Extension: info.Extension,
		DataTypes: strings.Join(dataTypesFor(info.Types), " "), Options: optionViews(info.Options)}
	if doc, ok := r.(renderers.Documented); ok {
		row.Documented = true
		row.README = mdsafe.Render(doc.README(), 1)
	}
	return row
}

func (s *Server) pageRenderers(c *fiber.Ctx, sess *session) error {
	d := renderersData{pageData: s.page(sess, "Renderers", "renderers")}
	for _, r := range s.opts.Renderers.All() {
		row := rendererInfo(r)
		row.README = ""
		d.Renderers = append(d.Renderers, row)
	}
	return sendConsole(c, fiber.StatusOK, "renderers.html", d)
}

func (s *Server) pageRenderer(c *fiber.Ctx, sess *session) error {
	r, ok := s.opts.Renderers.Lookup(c.Params("name"))
	if !ok {
		d := renderersData{pageData: s.page(sess, "Renderers", "renderers")}
		d.Flash = "No renderer of that name."
		return sendConsole(c, fiber.StatusNotFound, "renderers.html", d)
	}
	row := rendererInfo(r)
	d := renderersData{pageData: s.page(sess, row.Name, "renderers"), Renderer: &row}
	return sendConsole(c, fiber.StatusOK, "renderer.html", d)
}

type lookupData struct {
	pageData
	Error    string
	Searched bool
	Hits     []LookupHit
}

// maxLookup bounds a looked-up value (a long URL fits).
const maxLookup = 4096

func (s *Server) pageLookup(c *fiber.Ctx, sess *session) error {
	d := lookupData{pageData: s.page(sess, "Lookup", "lookup")}
	d.LookupQuery = strings.TrimSpace(c.FormValue("q"))
	switch {
	case !s.lookupEnabled():
		d.Error = "Lookup is not available on this server."
	case d.LookupQuery == "":
		d.Error = "Enter a value to look up."
	case len(d.LookupQuery) > maxLookup:
		d.Error = "That value is too long to look up."
		d.LookupQuery = d.LookupQuery[:64] + "…"
	default:
		ctx, cancel := context.WithTimeout(c.UserContext(), 30*time.Second)
		hits, err := s.consoleLookup(ctx, sess, d.LookupQuery)
		cancel()
		d.Searched = err == nil
		d.Hits = hits
		if err != nil {
			d.Error = "Lookup failed: " + err.Error()
		}
	}
	return sendConsole(c, fiber.StatusOK, "lookup.html", d)
}

package mispsim

import (
	"fmt"
	"slices"
)

// orgWithID returns the index of the organisation with this id, making
// the ones missing up to it as /users/view/me names them; an id below 2
// is the local organisation.
func (s *store) orgWithID(id int64) int32 {
	if id <= 1 {
		return 0
	}
	for n := int64(len(s.orgs)) + 1; n <= id; n++ {
		s.org(fmt.Sprintf("ORG%d", n), fmt.Sprintf("5c6983c8-3af8-4b9e-8a3e-%012d", n))
	}
	return int32(id - 1)
}

// inGroup reports whether organisation org is in sharing group sg
// (SharingGroup::authorizedIds).
func (s *Server) inGroup(org, sg int64) bool {
	return slices.Contains(s.opts.SharingGroups[sg], org)
}

// owns reports whether user u's organisation owns event e (Event.org_id),
// which then sees all of it whatever its distribution.
func (s *Server) owns(u User, e *eventRec) bool {
	return s.st.orgs[e.org].id == u.OrgID
}

// sees reports whether user u may see event e: its owner always; another
// organisation when the event's distribution is 1, 2, 3 (or empty, as
// from a file), or 4 with a sharing group it is in, and, with
// Options.UnpublishedPrivate (MISP.unpublishedprivate), only while
// published. This is Event::createEventConditions, and the event half of
// MispAttribute::buildConditions, in restSearch, the event index and
// events/view alike. The caller holds the read lock.
func (s *Server) sees(u User, e *eventRec) bool {
	if s.owns(u, e) {
		return true
	}
	if s.opts.UnpublishedPrivate && !e.published {
		return false
	}
	switch e.distribution {
	case "0":
		return false
	case "4":
		return s.inGroup(u.OrgID, e.sharingGroup)
	}
	return true
}

// attrSeen reports whether another organisation than the owner of a's
// event, org, may see attribute a, its event seen: the attribute half of
// MispAttribute::buildConditions, distribution 1, 2, 3 or 5, or 4 with a
// sharing group org is in.
func (s *Server) attrSeen(org int64, a *attrRec) bool {
	switch {
	case a.flags&flagOrgOnly != 0:
		return false
	case a.flags&flagShared != 0:
		return s.inGroup(org, int64(a.sg))
	}
	return true
}

// hideFrom leaves what u may not see out of q: the events, and the
// attributes of events u's organisation does not own.
func (s *Server) hideFrom(q *searchQuery, u User) {
	q.viewer = u.OrgID
	q.attrSeen = func(a *attrRec) bool {
		return s.owns(u, s.st.events[a.event]) || s.attrSeen(u.OrgID, a)
	}
	for i, e := range s.st.events {
		if !s.sees(u, e) {
			if q.evOK == nil {
				q.evOK = make([]bool, len(s.st.events))
				for k := range q.evOK {
					q.evOK[k] = true
				}
			}
			q.evOK[i] = false
		}
	}
}

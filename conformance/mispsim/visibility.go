package mispsim

import "fmt"

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

// sees reports whether user u may see event e. With
// Options.UnpublishedPrivate (MISP.unpublishedprivate) an event owned by
// another organisation is seen only while published, in restSearch, the
// event index and events/view alike: Event::createEventConditions and
// MispAttribute::buildConditions add Event.published = 1 to every
// condition but ownership (Event.org_id). The caller holds the read lock.
func (s *Server) sees(u User, e *eventRec) bool {
	return !s.opts.UnpublishedPrivate || e.published || s.st.orgs[e.org].id == u.OrgID
}

// hideFrom leaves the events u may not see out of q.
func (s *Server) hideFrom(q *searchQuery, u User) {
	if !s.opts.UnpublishedPrivate {
		return
	}
	q.viewer = u.OrgID
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

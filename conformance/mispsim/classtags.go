package mispsim

import (
	"hash/fnv"
	"strings"
)

// Incident classes of the classification tag, with their share in percent.
var classes = []struct {
	name  string
	share int
}{
	{"block", 22}, {"incident", 20}, {"alert", 18}, {"hunt", 15},
	{"cust1", 10}, {"cust2", 10}, {"false-positive", 5},
}

func classFor(h uint64) string {
	b := int(h % 100)
	for _, c := range classes {
		if b < c.share {
			return c.name
		}
		b -= c.share
	}
	return classes[0].name
}

func classTag(prefix, class string) string {
	return prefix + ":incident-classification=" + class
}

// classifyEvent adds the event's classification tag, chosen by a hash of
// its uuid; with publish, a third of unpublished events become published.
func classifyEvent(ev *Event, prefix string, publish bool) {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(ev.UUID)))
	sum := h.Sum64()
	ev.Tags = append(ev.Tags, classTag(prefix, classFor(sum)))
	if publish && !ev.Published && (sum>>32)%3 == 0 {
		ev.Published = true
	}
}

// registerClassTags creates all classification tags, so that a feed whose
// class no event carries gives an empty result rather than "unknown tag".
func (s *Server) registerClassTags(prefix string) {
	if prefix == "" {
		return
	}
	for _, c := range classes {
		s.st.tag(classTag(prefix, c.name), "")
	}
}

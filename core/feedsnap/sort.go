package feedsnap

import (
	"cmp"
	"slices"
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
)

// uuidSorter sorts events' attributes by uuid as a stable sort would,
// without moving the attributes (88 bytes each) more than once: it sorts
// small keys, each the uuid, its first eight bytes as a number compared
// first and the attribute's place, then puts each attribute in its place.
// Its keys are reused from one event to the next.
type uuidSorter struct {
	keys []uuidKey
}

type uuidKey struct {
	head uint64
	uuid string
	at   int
}

// sortUnique sorts attrs by uuid, keeping the order of attributes with
// equal uuids, then drops every attribute whose uuid, not empty, is the
// one before it: of the copies of a row read twice (a page read again
// while MISP changed), the one read first is kept. Attributes without a
// uuid are all kept. Attributes already in order are not moved.
func (s *uuidSorter) sortUnique(attrs []indicator.Attribute) []indicator.Attribute {
	if !slices.IsSortedFunc(attrs, byUUID) {
		s.sort(attrs)
	}
	return slices.CompactFunc(attrs, func(a, b indicator.Attribute) bool { return a.UUID != "" && a.UUID == b.UUID })
}

func (s *uuidSorter) sort(attrs []indicator.Attribute) {
	keys := s.keys[:0]
	for i, a := range attrs {
		keys = append(keys, uuidKey{head: uuidHead(a.UUID), uuid: a.UUID, at: i})
	}
	slices.SortFunc(keys, compareKeys)
	// keys[i].at is where the attribute to put at i is now. Each cycle
	// of that permutation is followed once, marking each place done.
	for i := range keys {
		if keys[i].at == i {
			continue
		}
		first, j := attrs[i], i
		for {
			from := keys[j].at
			keys[j].at = j
			if from == i {
				attrs[j] = first
				break
			}
			attrs[j] = attrs[from]
			j = from
		}
	}
	clear(keys) // let the uuids go with their snapshot
	s.keys = keys
}

// uuidHead is the first eight bytes of uuid, zero-padded, as a number: of
// two uuids, the one with the smaller head is the smaller.
func uuidHead(uuid string) uint64 {
	var h uint64
	for i := range 8 {
		h <<= 8
		if i < len(uuid) {
			h |= uint64(uuid[i])
		}
	}
	return h
}

func compareKeys(a, b uuidKey) int {
	if a.head != b.head {
		return cmp.Compare(a.head, b.head)
	}
	if c := strings.Compare(a.uuid, b.uuid); c != 0 {
		return c
	}
	return cmp.Compare(a.at, b.at)
}

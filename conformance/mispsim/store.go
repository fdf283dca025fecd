package mispsim

import (
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"strings"
)

// Event is a MISP event to add with (*Server).AddEvent.
type Event struct {
	ID        int64  // 0: the next free id
	UUID      string // "": derived from the event id
	Info      string
	Published bool
	OrgName   string // creator organisation (Orgc); "" with OrgUUID "": the owner
	OrgUUID   string
	// OrgID is the id of the organisation owning the event here
	// (Event.org_id), which sees it whatever MISP.unpublishedprivate
	// says; 0: the local organisation, 1.
	OrgID int64
	Tags  []string // event tag names
	// Timestamp is the event's last change (Unix seconds); 0: its newest
	// attribute's timestamp, or Options.Now() when it has none.
	Timestamp int64
	// PublishTimestamp is when it was last published; 0: Timestamp when
	// Published, else never.
	PublishTimestamp int64
	// Attributes, including object attributes (ObjectID != 0).
	Attributes []Attribute

	distribution string // as read from a file; "" means "3"
	sharingGroup int64  // Event.sharing_group_id, used with distribution 4
}

// Attribute is one MISP attribute of an Event.
type Attribute struct {
	ID             int64  // 0: the next free id
	UUID           string // "": derived from the attribute id
	Type           string // required
	Category       string // "": the type's default category
	Value          string
	ToIDS          bool
	Deleted        bool
	Timestamp      int64 // Unix seconds; 0: Options.Now()
	Comment        string
	Tags           []string // attribute tag names
	ObjectID       int64    // 0: not in an object
	ObjectRelation string

	FirstSeen, LastSeen string // ISO 8601 as MISP returns them, "" for null
	DisableCorrelation  bool

	distribution string // as read from a file; "" means "5"
	sharingGroup int64  // Attribute.sharing_group_id, used with distribution 4
}

const (
	flagToIDS    = 1
	flagDeleted  = 2
	flagInObject = 4 // object_id != 0
	flagPurged   = 8 // hard-deleted: matches nothing
	// flagOrgOnly and flagShared are an attribute's distribution 0 (its
	// event's owner only) and 4 (sharing group attrRec.sg).
	flagOrgOnly = 16
	flagShared  = 32
)

type orgRec struct {
	id         int64
	name, uuid string
}

type tagRec struct {
	id       int64
	name     string
	lower    string
	colour   string
	isGalaxy bool
}

type eventRec struct {
	id        int64
	uuid      string
	info      string
	published bool
	orgc      int32   // index in store.orgs
	org       int32   // owner (Event.org_id), index in store.orgs
	tags      []int32 // indices in store.tags
	// local are the tags of tags attached as local tags (MISP's
	// EventTag.local), which no timestamp shows.
	local []int32
	json  []byte // the "Event" object of restSearch results

	ts, publishTS int64 // Event.timestamp and Event.publish_timestamp
	distribution  string
	sharingGroup  int64  // Event.sharing_group_id
	date          string // YYYY-MM-DD
	threatLevel   string
	analysis      string
	// gone marks a deleted event: out of eventByID and eventByUUID, its
	// attributes purged, left out of the event index.
	gone bool
	// tagJSON is the event's tags as includeEventTags appends them to each
	// attribute's "Tag" list, comma-separated; replaced, never modified.
	tagJSON []byte
}

// attrRec is the compact, pre-encoded form of an attribute.
type attrRec struct {
	id     int64
	ts     int64
	value  string
	tagSet int32  // index in store.tagSets; 0: no attribute tags
	event  int32  // index in store.events
	chunk  uint32 // arena chunk of the encoded JSON
	off    uint32 // offset of the encoded JSON in the chunk
	n      uint32 // length of the encoded JSON
	typ    uint16 // index in store.typeNames
	cat    uint16 // index in store.catNames
	flags  uint8
	sg     int32 // sharing group id with flagShared
}

// An arena's chunks grow from arenaFirst bytes, doubling, to arenaChunk: a
// small store (a test's, the demo's) takes little memory, a large one few
// chunks.
const (
	arenaFirst = 64 << 10
	arenaChunk = 32 << 20
)

// arena holds the encoded JSON of all attributes. Each attribute is followed
// by a comma, so that consecutive attributes can be written in one call.
type arena struct {
	chunks [][]byte
}

func (a *arena) add(b []byte) (chunk, off uint32) {
	need := len(b) + 1
	if n := len(a.chunks); n == 0 || cap(a.chunks[n-1])-len(a.chunks[n-1]) < need {
		size := arenaFirst
		if n > 0 {
			size = min(arenaChunk, 2*cap(a.chunks[n-1]))
		}
		a.chunks = append(a.chunks, make([]byte, 0, max(size, need)))
	}
	i := len(a.chunks) - 1
	c := a.chunks[i]
	off = uint32(len(c))
	c = append(c, b...)
	c = append(c, ',')
	a.chunks[i] = c
	return uint32(i), off
}

// store is the emulator's database. The Server's lock guards it.
type store struct {
	events      []*eventRec
	eventByID   map[int64]int32
	eventByUUID map[string]int32
	attrs       []attrRec
	arena       arena

	tags       []tagRec
	tagByLower map[string]int32
	tagSets    [][]int32 // attribute tag lists; tagSets[0] is empty
	// attrLocal holds, by attribute id, the tags of its tag list attached
	// as local tags (MISP's AttributeTag.local), which no timestamp shows.
	attrLocal map[int64][]int32

	orgs      []orgRec
	orgByKey  map[string]int32 // lower-case uuid or name
	typeNames []string
	typeByKey map[string]uint16
	catNames  []string
	catByKey  map[string]uint16

	wls []*warninglist

	evIx eventAttrIndex // attribute indices per event, for writes

	// blockedUUIDs holds the lower-case uuids of deleted events: MISP's
	// event blocklist, which refuses to add them again.
	blockedUUIDs map[string]bool
	goneEvents   int // deleted events, still in events

	maxEventID, maxAttrID, maxObjectID, maxTagID, maxEntryID int64
	gen                                                      uint64 // bumped on every change
}

// Identity of the emulated instance's own organisation.
const (
	localOrgName = "ORGNAME"
	localOrgUUID = "5c6983c8-3af8-4b9e-8a3e-4c0a0a0a0a01"
)

func newStore() *store {
	s := &store{
		eventByID:    map[int64]int32{},
		eventByUUID:  map[string]int32{},
		blockedUUIDs: map[string]bool{},
		tagByLower:   map[string]int32{},
		orgByKey:     map[string]int32{},
		typeByKey:    map[string]uint16{},
		catByKey:     map[string]uint16{},
		tagSets:      [][]int32{nil},
	}
	s.org(localOrgName, localOrgUUID)
	for _, t := range knownTypes {
		s.typeID(t.name)
	}
	for _, c := range categories {
		s.catID(c)
	}
	return s
}

// org returns the index of the organisation, creating it when new.
func (s *store) org(name, uuid string) int32 {
	if uuid != "" {
		if i, ok := s.orgByKey["u:"+strings.ToLower(uuid)]; ok {
			return i
		}
	} else if name != "" {
		if i, ok := s.orgByKey["n:"+strings.ToLower(name)]; ok {
			return i
		}
	}
	if name == "" && uuid == "" {
		return 0
	}
	if name == "" {
		name = "Organisation " + uuid
	}
	if uuid == "" {
		uuid = hashUUID("org:" + strings.ToLower(name))
	}
	i := int32(len(s.orgs))
	s.orgs = append(s.orgs, orgRec{id: int64(i) + 1, name: name, uuid: uuid})
	s.orgByKey["u:"+strings.ToLower(uuid)] = i
	if _, ok := s.orgByKey["n:"+strings.ToLower(name)]; !ok {
		s.orgByKey["n:"+strings.ToLower(name)] = i
	}
	return i
}

// typeID returns the index of an attribute type name, adding it when new.
func (s *store) typeID(name string) uint16 { return intern(&s.typeNames, s.typeByKey, name) }

// catID returns the index of a category name, adding it when new.
func (s *store) catID(name string) uint16 { return intern(&s.catNames, s.catByKey, name) }

// intern returns the index of name in *names, appending it when new;
// index maps each name to its index.
func intern(names *[]string, index map[string]uint16, name string) uint16 {
	if i, ok := index[name]; ok {
		return i
	}
	i := uint16(len(*names))
	*names = append(*names, name)
	index[name] = i
	return i
}

// tag returns the index of a tag, creating it when new. Names are matched
// case-insensitively, as MISP does when it captures tags.
func (s *store) tag(name, colour string) int32 {
	lower := strings.ToLower(name)
	if i, ok := s.tagByLower[lower]; ok {
		return i
	}
	if colour == "" {
		colour = tagColour(lower)
	}
	s.maxTagID++
	i := int32(len(s.tags))
	s.tags = append(s.tags, tagRec{
		id: s.maxTagID, name: name, lower: lower, colour: colour,
		isGalaxy: strings.HasPrefix(lower, "misp-galaxy:"),
	})
	s.tagByLower[lower] = i
	return i
}

// tagColour picks a stable colour for tags that come without one.
func tagColour(lower string) string {
	switch lower {
	case "tlp:white", "tlp:clear":
		return "#ffffff"
	case "tlp:green":
		return "#339900"
	case "tlp:amber":
		return "#ffc000"
	case "tlp:red":
		return "#cc0033"
	}
	h := fnv.New32a()
	h.Write([]byte(lower))
	return fmt.Sprintf("#%06x", h.Sum32()&0xffffff)
}

// hashUUID derives a stable version-5-style UUID from a string.
func hashUUID(s string) string {
	h := fnv.New128a()
	h.Write([]byte(s))
	var b [16]byte
	h.Sum(b[:0])
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b)
}

// formatUUID writes b in the 8-4-4-4-12 form, in lower case.
func formatUUID(b [16]byte) string {
	var h [32]byte
	hex.Encode(h[:], b[:])
	return string(h[:8]) + "-" + string(h[8:12]) + "-" + string(h[12:16]) + "-" + string(h[16:20]) + "-" + string(h[20:])
}

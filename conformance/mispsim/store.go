package mispsim

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
)

// Event is a MISP event to add with (*Server).AddEvent.
type Event struct {
	ID        int64  // 0: the next free id
	UUID      string // "": derived from the event id
	Info      string
	Published bool
	OrgName   string // creator organisation (Orgc); "" with OrgUUID "": the local organisation
	OrgUUID   string
	Tags      []string // event tag names
	// Timestamp is the event's last change (Unix seconds); 0: its newest
	// attribute's timestamp, or Options.Now() when it has none.
	Timestamp int64
	// PublishTimestamp is when it was last published; 0: Timestamp when
	// Published, else never.
	PublishTimestamp int64
	// Attributes, including object attributes (ObjectID != 0).
	Attributes []Attribute

	distribution string // as read from a file; "" means "3"
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
}

const (
	flagToIDS    = 1
	flagDeleted  = 2
	flagInObject = 4 // object_id != 0
	flagPurged   = 8 // hard-deleted: matches nothing
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
	tags      []int32 // indices in store.tags
	json      []byte  // the "Event" object of restSearch results

	ts, publishTS int64 // Event.timestamp and Event.publish_timestamp
	distribution  string
	date          string // YYYY-MM-DD
	threatLevel   string
	analysis      string
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
}

const arenaChunk = 32 << 20

// arena holds the encoded JSON of all attributes. Each attribute is followed
// by a comma, so that consecutive attributes can be written in one call.
type arena struct {
	chunks [][]byte
}

func (a *arena) add(b []byte) (chunk, off uint32) {
	need := len(b) + 1
	if len(a.chunks) == 0 || cap(a.chunks[len(a.chunks)-1])-len(a.chunks[len(a.chunks)-1]) < need {
		a.chunks = append(a.chunks, make([]byte, 0, max(arenaChunk, need)))
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

	orgs      []orgRec
	orgByKey  map[string]int32 // lower-case uuid or name
	typeNames []string
	typeByKey map[string]uint16
	catNames  []string
	catByKey  map[string]uint16

	wls []*warninglist

	evIx eventAttrIndex // attribute indices per event, for writes

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
		eventByID:   map[int64]int32{},
		eventByUUID: map[string]int32{},
		tagByLower:  map[string]int32{},
		orgByKey:    map[string]int32{},
		typeByKey:   map[string]uint16{},
		catByKey:    map[string]uint16{},
		tagSets:     [][]int32{nil},
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
func (s *store) typeID(name string) uint16 {
	if i, ok := s.typeByKey[name]; ok {
		return i
	}
	i := uint16(len(s.typeNames))
	s.typeNames = append(s.typeNames, name)
	s.typeByKey[name] = i
	return i
}

// catID returns the index of a category name, adding it when new.
func (s *store) catID(name string) uint16 {
	if i, ok := s.catByKey[name]; ok {
		return i
	}
	i := uint16(len(s.catNames))
	s.catNames = append(s.catNames, name)
	s.catByKey[name] = i
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

func formatUUID(b [16]byte) string {
	var out [36]byte
	j := 0
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j] = hexDigits[c>>4]
		out[j+1] = hexDigits[c&0xf]
		j += 2
	}
	return string(out[:])
}

// encodeEvent builds the "Event" object embedded in each attribute.
func (s *store) encodeEvent(b []byte, e *eventRec, distribution string) []byte {
	if distribution == "" {
		distribution = "3"
	}
	b = append(b, `{"org_id":"1","distribution":`...)
	b = appendJSONString(b, distribution)
	b = append(b, `,"id":`...)
	b = appendQuotedInt(b, e.id)
	b = append(b, `,"info":`...)
	b = appendJSONString(b, e.info)
	b = append(b, `,"orgc_id":`...)
	b = appendQuotedInt(b, s.orgs[e.orgc].id)
	b = append(b, `,"uuid":`...)
	b = appendJSONString(b, e.uuid)
	return append(b, '}')
}

// encodeAttr appends an attribute in the shape of a restSearch result.
func (s *store) encodeAttr(b []byte, a *Attribute, e *eventRec, tags []int32) []byte {
	b = encodeAttrFields(b, a, e.id)
	b = append(b, `,"Event":`...)
	b = append(b, e.json...)
	if len(tags) > 0 {
		b = append(b, `,"Tag":[`...)
		for i, t := range tags {
			if i > 0 {
				b = append(b, ',')
			}
			b = s.appendTag(b, t)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// encodeAttrFields appends an attribute's own fields, from the opening
// brace to the value, in MISP's order.
func encodeAttrFields(b []byte, a *Attribute, eventID int64) []byte {
	b = append(b, `{"id":`...)
	b = appendQuotedInt(b, a.ID)
	b = append(b, `,"event_id":`...)
	b = appendQuotedInt(b, eventID)
	b = append(b, `,"object_id":`...)
	b = appendQuotedInt(b, a.ObjectID)
	b = append(b, `,"object_relation":`...)
	b = appendNullableString(b, a.ObjectRelation)
	b = append(b, `,"category":`...)
	b = appendJSONString(b, a.Category)
	b = append(b, `,"type":`...)
	b = appendJSONString(b, a.Type)
	b = append(b, `,"to_ids":`...)
	b = appendBool(b, a.ToIDS)
	b = append(b, `,"uuid":`...)
	b = appendJSONString(b, a.UUID)
	b = append(b, `,"timestamp":`...)
	b = appendQuotedInt(b, a.Timestamp)
	b = append(b, `,"distribution":`...)
	dist := a.distribution
	if dist == "" {
		dist = "5"
	}
	b = appendJSONString(b, dist)
	b = append(b, `,"sharing_group_id":"0","comment":`...)
	b = appendJSONString(b, a.Comment)
	b = append(b, `,"deleted":`...)
	b = appendBool(b, a.Deleted)
	b = append(b, `,"disable_correlation":`...)
	b = appendBool(b, a.DisableCorrelation)
	b = append(b, `,"first_seen":`...)
	b = appendNullableString(b, a.FirstSeen)
	b = append(b, `,"last_seen":`...)
	b = appendNullableString(b, a.LastSeen)
	b = append(b, `,"value":`...)
	return appendJSONString(b, a.Value)
}

func (s *store) appendTag(b []byte, t int32) []byte {
	tr := &s.tags[t]
	b = append(b, `{"id":`...)
	b = appendQuotedInt(b, tr.id)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, tr.name)
	b = append(b, `,"colour":`...)
	b = appendJSONString(b, tr.colour)
	b = append(b, `,"numerical_value":null,"is_galaxy":`...)
	b = appendBool(b, tr.isGalaxy)
	return append(b, `,"local":0}`...)
}

// ErrInvalid reports an event or warninglist that the emulator refuses.
var ErrInvalid = errors.New("mispsim: invalid data")

// addEvent stores an event and its attributes. now is the fallback
// timestamp. The caller holds the write lock.
func (s *store) addEvent(ev Event, now int64) (int64, error) {
	if ev.ID < 0 {
		return 0, fmt.Errorf("add event: negative id %d: %w", ev.ID, ErrInvalid)
	}
	if ev.ID == 0 {
		ev.ID = s.maxEventID + 1
	}
	if _, dup := s.eventByID[ev.ID]; dup {
		return 0, fmt.Errorf("add event: duplicate event id %d: %w", ev.ID, ErrInvalid)
	}
	if ev.UUID == "" {
		ev.UUID = hashUUID(fmt.Sprintf("event:%d", ev.ID))
	}
	if _, dup := s.eventByUUID[strings.ToLower(ev.UUID)]; dup {
		return 0, fmt.Errorf("add event: duplicate event uuid %s: %w", ev.UUID, ErrInvalid)
	}
	seen := map[int64]bool{}
	for i := range ev.Attributes {
		a := &ev.Attributes[i]
		if a.ID != 0 {
			if seen[a.ID] {
				return 0, fmt.Errorf("add event %d: duplicate attribute id %d: %w", ev.ID, a.ID, ErrInvalid)
			}
			seen[a.ID] = true
		}
		if a.Type == "" {
			return 0, fmt.Errorf("add event %d: attribute %d has no type: %w", ev.ID, i, ErrInvalid)
		}
		if a.ID < 0 {
			return 0, fmt.Errorf("add event %d: attribute %d has a negative id: %w", ev.ID, i, ErrInvalid)
		}
		if a.ID != 0 && a.ID <= s.maxAttrID && s.hasAttrID(a.ID) {
			return 0, fmt.Errorf("add event %d: duplicate attribute id %d: %w", ev.ID, a.ID, ErrInvalid)
		}
	}
	er := &eventRec{
		id:        ev.ID,
		uuid:      ev.UUID,
		info:      ev.Info,
		published: ev.Published,
		orgc:      s.org(ev.OrgName, ev.OrgUUID),
		ts:        ev.Timestamp,
		publishTS: ev.PublishTimestamp,
	}
	for _, t := range ev.Tags {
		er.tags = appendUnique(er.tags, s.tag(t, ""))
	}
	er.distribution = ev.distribution
	er.json = s.encodeEvent(nil, er, ev.distribution)
	ei := int32(len(s.events))
	s.events = append(s.events, er)
	s.eventByID[er.id] = ei
	s.eventByUUID[strings.ToLower(er.uuid)] = ei
	s.maxEventID = max(s.maxEventID, er.id)

	sorted := true
	var buf []byte
	for i := range ev.Attributes {
		a := ev.Attributes[i]
		if a.ID == 0 {
			a.ID = s.maxAttrID + 1
		}
		if len(s.attrs) > 0 && a.ID < s.attrs[len(s.attrs)-1].id {
			sorted = false
		}
		if a.Timestamp == 0 {
			a.Timestamp = now
		}
		var tags []int32
		for _, t := range a.Tags {
			tags = appendUnique(tags, s.tag(t, ""))
		}
		buf = s.appendAttr(buf, &a, ei, tags)
		if ev.Timestamp == 0 {
			er.ts = max(er.ts, a.Timestamp)
		}
	}
	if er.ts == 0 {
		er.ts = now
	}
	if !sorted {
		// Sort a copy: pages being written may still read the old slice.
		s.evIx = eventAttrIndex{}
		s.attrs = slices.Clone(s.attrs)
		slices.SortStableFunc(s.attrs, func(x, y attrRec) int {
			switch {
			case x.id < y.id:
				return -1
			case x.id > y.id:
				return 1
			}
			return 0
		})
	}
	s.finishEvents(ei, now)
	s.gen++
	return er.id, nil
}

// tagSet stores an attribute's tag list and returns its index.
func (s *store) tagSet(tags []int32) int32 {
	if len(tags) == 0 {
		return 0
	}
	s.tagSets = append(s.tagSets, tags)
	return int32(len(s.tagSets) - 1)
}

// attrUUID reads an attribute's uuid back from its encoded JSON: the first
// `,"uuid":"` is the attribute's own, as no string value can hold an
// unescaped quote.
func attrUUID(chunks [][]byte, a *attrRec) string {
	b := chunks[a.chunk][a.off : a.off+a.n]
	const key = `,"uuid":"`
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return ""
	}
	b = b[i+len(key):]
	j := bytes.IndexByte(b, '"')
	if j < 0 {
		return ""
	}
	return string(b[:j])
}

func (s *store) hasAttrID(id int64) bool {
	for i := range s.attrs {
		if s.attrs[i].id == id {
			return true
		}
	}
	return false
}

func appendUnique(list []int32, v int32) []int32 {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

package misp

import (
	"bytes"
	"strconv"
	"unsafe"

	"github.com/valyala/fastjson/fastfloat"

	"github.com/cratos-project/cratos/core/indicator"
)

// The attribute scanner reads one attribute object in a single pass: it
// checks the object's syntax as strictly as fastjson.Parser does (the
// decoder's earlier implementation, whose answers it keeps on every input,
// malformed ones included) and notes where the few members it needs lie,
// building no tree and copying only the strings it returns.

// maxDepth is how deep an attribute may nest, the attribute object itself
// counting as 1: fastjson.MaxDepth.
const maxDepth = 300

// Members an attribute is read from, in the order the fields are looked up.
const (
	mType = iota
	mValue
	mCategory
	mUUID
	mEventID
	mTimestamp
	mToIDS
	members
)

// member returns the index of the member named k, or -1.
func member(k []byte) int {
	switch string(k) {
	case "type":
		return mType
	case "value":
		return mValue
	case "category":
		return mCategory
	case "uuid":
		return mUUID
	case "event_id":
		return mEventID
	case "timestamp":
		return mTimestamp
	case "to_ids":
		return mToIDS
	}
	return -1
}

// Kinds of a member's value.
const (
	kNone      = iota // absent
	kString           // b[start:end] is the raw text between the quotes
	kEscString        // as kString, holding at least one backslash
	kNumber           // b[start:end] is the number's text
	kTrue
	kOther // false, null, an object or an array
)

// span locates a member's value in the page.
type span struct {
	kind       uint8
	start, end int
}

// attrScanner scans attribute objects of one page.
type attrScanner struct {
	b       []byte
	scratch []byte // unescaped text, reused
	// both holds the last attribute's Value and UUID, one after the
	// other, when one is escaped: they are given borrowed, valid until
	// the next attribute.
	both []byte
	// keys holds, by place, the keys of the attributes read as written,
	// with the whole member where it is short, and object the last object
	// or array read as a member's value: MISP writes each attribute's
	// members in one order, many with the same value as the attribute
	// before, and the attributes of one event with the same "Event"
	// object, so most keys, members and objects are read by comparing
	// them with the ones before.
	keys   [keysKnown]knownKey
	object []byte
	// names holds type and category names given, each in the place its
	// length and last byte pick: found again without hashing them.
	names [16]string
	// raw holds the first member whose key, as written, is the name;
	// plain the first whose key, unescaped, is the name.
	raw, plain [members]span
}

// skipContainer returns the index after the object or array at b[i],
// nested depth deep, or -1 when it is malformed: the one before, when it
// is written the same, without reading it again (its end is its closing
// bracket, so the same bytes end it the same way).
func (s *attrScanner) skipContainer(i, depth int) int {
	if len(s.object) > 0 && bytes.HasPrefix(s.b[i:], s.object) {
		return i + len(s.object)
	}
	end := skipValue(s.b, i, depth)
	if end > i && end-i <= objectKept {
		s.object = append(s.object[:0], s.b[i:end]...)
	}
	return end
}

// attribute reads the attribute object at b[i] (which is '{') and returns
// it and the index after it; ok is false when the object is malformed.
func (s *attrScanner) attribute(i int) (a indicator.Attribute, next int, ok bool) {
	s.raw = [members]span{}
	s.plain = [members]span{}
	b := s.b
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return s.build(), i + 1, true
	}
	for k := 0; ; k++ {
		if i >= len(b) || b[i] != '"' {
			return a, 0, false
		}
		kStart := i + 1
		kEnd, m, v, whole := s.known(k, kStart)
		if whole {
			s.note(m, v)
			i = skipWS(b, kEnd)
			continue
		}
		esc, learn := false, kEnd < 0
		if learn {
			if kEnd, esc = scanString(b, kStart); kEnd < 0 {
				return a, 0, false
			}
			if !esc {
				m = member(b[kStart:kEnd])
			}
		} else {
			learn = s.differs(k)
		}
		i = skipWS(b, kEnd+1)
		if i >= len(b) || b[i] != ':' {
			return a, 0, false
		}
		i = skipWS(b, i+1)
		vStart := i
		if i < len(b) && b[i] == '"' {
			end, vesc := scanString(b, i+1)
			if end < 0 {
				return a, 0, false
			}
			v = span{kind: kString, start: i + 1, end: end}
			if vesc {
				v.kind = kEscString
			}
			i = end + 1
		} else {
			if i < len(b) && (b[i] == '{' || b[i] == '[') {
				i = s.skipContainer(i, 2)
			} else {
				i = skipValue(b, i, 2)
			}
			if i < 0 {
				return a, 0, false
			}
			switch b[vStart] {
			case '{', '[', 'f':
				v.kind = kOther
			case 't':
				v.kind = kTrue
			case 'n':
				v.kind = kOther
				if i-vStart == 3 { // NaN
					v = span{kind: kNumber, start: vStart, end: i}
				}
			default:
				v = span{kind: kNumber, start: vStart, end: i}
			}
		}
		if esc {
			s.noteEscaped(b[kStart:kEnd], v)
		} else {
			s.note(m, v)
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return a, 0, false
		}
		next := 0
		if b[i] == ',' {
			next = i + 1
		}
		if learn && !esc {
			s.learn(k, kStart, kEnd-kStart, m, v, next)
		}
		switch b[i] {
		case ',':
			i = skipWS(b, next)
		case '}':
			return s.build(), i + 1, true
		default:
			return a, 0, false
		}
	}
}

// note records v as the value of member m (-1: none) when it is the
// first of its name, read from a key without escapes.
func (s *attrScanner) note(m int, v span) {
	if m >= 0 {
		if s.raw[m].kind == kNone {
			s.raw[m] = v
		}
		if s.plain[m].kind == kNone {
			s.plain[m] = v
		}
	}
}

// noteEscaped records v as the value of the member key names, unescaped,
// when it is the first of its name.
func (s *attrScanner) noteEscaped(key []byte, v span) {
	s.scratch = unescape(s.scratch[:0], key)
	if m := member(s.scratch); m >= 0 && s.plain[m].kind == kNone {
		s.plain[m] = v
	}
}

// build makes the attribute from the members noted. Lookups follow
// fastjson.Object.Get: keys are matched as written until the first name
// that is not found so, then unescaped from that lookup on.
func (s *attrScanner) build() indicator.Attribute {
	var v [members]span
	unescaped := false
	for m := range members {
		if !unescaped && s.raw[m].kind != kNone {
			v[m] = s.raw[m]
			continue
		}
		unescaped = true
		v[m] = s.plain[m]
	}
	// One statement a field: text's result is valid only until the next
	// call, and the order of conversions within one expression is not
	// fixed.
	var a indicator.Attribute
	a.Type = s.name(s.text(v[mType]))
	a.Value, a.UUID = s.valueAndUUID(v[mValue], v[mUUID])
	a.Category = s.name(s.text(v[mCategory]))
	a.EventID = s.int(v[mEventID])
	a.Timestamp = s.int(v[mTimestamp])
	a.ToIDS = s.bool(v[mToIDS])
	return a
}

// name returns intern(b), as given before when it was.
func (s *attrScanner) name(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	slot := &s.names[(len(b)*7+int(b[len(b)-1]))%len(s.names)]
	if *slot != string(b) {
		*slot = intern(b)
	}
	return *slot
}

// valueAndUUID returns the value's and the uuid's text, valid until the
// window moves on or the next attribute: the page's own bytes when
// neither holds an escape (most do not), else copies in s.both, one after
// the other.
func (s *attrScanner) valueAndUUID(value, uuid span) (string, string) {
	if value.kind != kEscString && uuid.kind != kEscString {
		v, u := s.text(value), s.text(uuid)
		return unsafe.String(unsafe.SliceData(v), len(v)), unsafe.String(unsafe.SliceData(u), len(u))
	}
	s.both = append(s.both[:0], s.text(value)...) // before the next text call reuses the scratch space
	v := len(s.both)
	s.both = append(s.both, s.text(uuid)...)
	all := unsafe.String(unsafe.SliceData(s.both), len(s.both))
	return all[:v], all[v:]
}

// text returns a string value's unescaped text, or nil for other kinds.
// The result is valid until the next call.
func (s *attrScanner) text(v span) []byte {
	switch v.kind {
	case kString:
		return s.b[v.start:v.end]
	case kEscString:
		s.scratch = unescape(s.scratch[:0], s.b[v.start:v.end])
		return s.scratch
	}
	return nil
}

// int reads MISP's numbers, which arrive as strings or numbers (intOf).
func (s *attrScanner) int(v span) int64 {
	switch v.kind {
	case kNumber:
		return number(s.b[v.start:v.end])
	case kString, kEscString:
		t := s.text(v)
		if n, ok := digits(t); ok {
			return n
		}
		n, _ := strconv.ParseInt(string(t), 10, 64)
		return n
	}
	return 0
}

// number reads a JSON number as fastjson.Value.GetInt64 does.
func number(t []byte) int64 {
	if n, ok := digits(t); ok {
		return n
	}
	return fastfloat.ParseInt64BestEffort(string(t))
}

// digits reads t when it is 1 to 18 decimal digits, which no parser reads
// otherwise, without the copy to a string the others need.
func digits(t []byte) (int64, bool) {
	if len(t) == 0 || len(t) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range t {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// bool reads MISP's flags: true/false, 1/0 or "1"/"0" (boolOf).
func (s *attrScanner) bool(v span) bool {
	switch v.kind {
	case kTrue:
		return true
	case kNumber:
		n := number(s.b[v.start:v.end])
		return int64(int(n)) == n && n != 0
	case kString, kEscString:
		t := s.text(v)
		return string(t) == "1" || string(t) == "true"
	}
	return false
}

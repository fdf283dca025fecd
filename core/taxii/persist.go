package taxii

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
)

// stateHeader starts a persisted collection; the format is line based so
// that a million objects load in about a second:
//
//	cratos-taxii/2 <last> <objects> <records> <legacy>
//	<stix21 options as JSON>
//	o <kind> <type> <gen> <created> <added> <revoked> <quoted value or object>   (per object)
//	r <object> <0|1>                                                           (per record, in log order)
//
// The first <legacy> objects have the ids of format 1 (legacyHeader, no
// <legacy> field: every object), the same in every collection. A history
// with re-markings (remark.go) is format 3 (remarkHeader): a line
// `m <date_added>...` of the re-markings follows the options, and the
// record of a version a re-marking added is `r <object> 2 <date_added>`.
// A history with eras before the current one (era.go) is format 4
// (eraHeader): format 3 with a sixth header field, the number of eras,
// and after the re-markings (`m` alone when there are none) a line
// `e <until> <stix21 options as JSON>` per era. A history whose last
// refresh told its Basis is format 5 (basisHeader): format 4 with the
// number of eras (0 allowed), the Basis's settings and its input count
// as header fields. Other histories are still written as format 2, 3 or
// 4, which earlier versions read.
const (
	stateHeader  = "cratos-taxii/2"
	remarkHeader = "cratos-taxii/3"
	eraHeader    = "cratos-taxii/4"
	basisHeader  = "cratos-taxii/5"
	legacyHeader = "cratos-taxii/1"
)

// maxStateLine bounds one line of a state file (a YARA rule is a value).
const maxStateLine = 16 << 20

// The shortest lines a state file can hold, `o 0 t 0 0 1 0 ""`,
// `r 0 0` and `e 1 null` with their newlines (the last may lack one), bound the counts
// its header may claim for its size.
const (
	minObjectLine = 17
	minRecordLine = 6
	minEraLine    = 9 // `e 1 null`
)

// MarshalState returns the collection's history for the state directory.
func (c *Collection) MarshalState() ([]byte, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.marshalState()
}

// marshalState is MarshalState with c.mu held.
func (c *Collection) marshalState() ([]byte, error) {
	opts, err := json.Marshal(c.opts)
	if err != nil {
		return nil, fmt.Errorf("taxii: collection state: %w", err)
	}
	b := make([]byte, 0, 64+len(c.objs)*80+len(c.log)*12)
	header := stateHeader
	switch {
	case c.basis != nil:
		header = basisHeader
	case len(c.eras) > 0:
		header = eraHeader
	case len(c.remarks) > 0:
		header = remarkHeader
	}
	b = fmt.Appendf(b, "%s %d %d %d %d", header, c.last, len(c.objs), len(c.log), c.legacy)
	if header == basisHeader || header == eraHeader {
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(len(c.eras)), 10)
	}
	if header == basisHeader {
		b = fmt.Appendf(b, " %s %d", c.basis.Settings, c.basis.Input)
	}
	b = fmt.Appendf(b, "\n%s\n", opts)
	if header != stateHeader {
		b = append(b, 'm')
		for _, at := range c.remarks {
			b = append(b, ' ')
			b = strconv.AppendInt(b, at, 10)
		}
		b = append(b, '\n')
	}
	for _, e := range c.eras {
		eopts, err := json.Marshal(e.opts)
		if err != nil {
			return nil, fmt.Errorf("taxii: collection state: %w", err)
		}
		b = fmt.Appendf(b, "e %d %s\n", e.until, eopts)
	}
	for i := range c.objs {
		o := &c.objs[i]
		typ := "-"
		text := o.value
		if o.kind == kindIndicator {
			typ = o.typ.String()
		} else {
			text = string(o.raw)
		}
		b = fmt.Appendf(b, "o %d %s %d %d %d %d ", o.kind, typ, o.gen, o.created, o.added, o.revoked)
		b = strconv.AppendQuote(b, text)
		b = append(b, '\n')
	}
	for _, r := range c.log {
		b = append(b, "r "...)
		b = strconv.AppendInt(b, int64(r.obj), 10)
		switch {
		case r.remark:
			b = append(b, " 2 "...)
			b = strconv.AppendInt(b, r.added, 10)
			b = append(b, '\n')
		case r.revoked:
			b = append(b, " 1\n"...)
		default:
			b = append(b, " 0\n"...)
		}
	}
	return b, nil
}

var errState = errors.New("taxii: collection state is inconsistent")

// UnmarshalState returns the collection id MarshalState wrote, after
// checking that it is consistent (ids unique, every version once, in
// order). Objects of a format 1 history keep their ids (legacy).
func UnmarshalState(data []byte, id string) (*Collection, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), maxStateLine)
	line := func() (string, bool) {
		if !sc.Scan() {
			return "", false
		}
		return sc.Text(), true
	}
	bad := func(what string) (*Collection, error) {
		return nil, fmt.Errorf("%w: %s", errState, what)
	}
	head, ok := line()
	f := strings.Fields(head)
	if !ok || !(len(f) == 5 && (f[0] == stateHeader || f[0] == remarkHeader) || len(f) == 6 && f[0] == eraHeader ||
		len(f) == 8 && f[0] == basisHeader || len(f) == 4 && f[0] == legacyHeader) {
		return bad("header")
	}
	nEras := 0
	if f[0] == eraHeader || f[0] == basisHeader {
		n, err := strconv.Atoi(f[5])
		if err != nil || n < b2i(f[0] == eraHeader) || n > len(data)/minEraLine {
			return bad("header counts")
		}
		nEras = n
	}
	var basis *Basis
	if f[0] == basisHeader {
		input, err := strconv.Atoi(f[7])
		if err != nil || input < 0 {
			return bad("basis")
		}
		basis = &Basis{Settings: f[6], Input: input}
	}
	last, err1 := strconv.ParseInt(f[1], 10, 64)
	nObjs, err2 := strconv.Atoi(f[2])
	nRecs, err3 := strconv.Atoi(f[3])
	legacy, err4 := nObjs, error(nil)
	if f[0] != legacyHeader {
		legacy, err4 = strconv.Atoi(f[4])
	}
	remarked := f[0] == remarkHeader || f[0] == eraHeader || f[0] == basisHeader
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || nObjs < 0 || nRecs < nObjs || (nRecs > 2*nObjs && !remarked) ||
		legacy < 0 || legacy > nObjs ||
		nObjs > (len(data)+1)/minObjectLine || nRecs > (len(data)+1-nObjs*minObjectLine)/minRecordLine {
		return bad("header counts")
	}
	c := &Collection{scope: id, legacy: legacy, current: make(map[objKey]int32, nObjs), byID: make(map[string]int32, nObjs), last: last, basis: basis}
	optLine, ok := line()
	if !ok || json.Unmarshal([]byte(optLine), &c.opts) != nil {
		return bad("options")
	}
	if remarked {
		s, ok := line()
		f := strings.Fields(s)
		if !ok || len(f) < 2-min(nEras+b2i(basis != nil), 1) || f[0] != "m" {
			return bad("re-markings")
		}
		for _, v := range f[1:] {
			at, err := strconv.ParseInt(v, 10, 64)
			if err != nil || at <= 0 || at > last || (len(c.remarks) > 0 && at <= c.remarks[len(c.remarks)-1]) {
				return bad("re-markings")
			}
			c.remarks = append(c.remarks, at)
		}
		if nRecs > (2+len(c.remarks))*nObjs {
			return bad("header counts")
		}
	}
	for i := 0; i < nEras; i++ {
		s, ok := line()
		f := strings.SplitN(s, " ", 3)
		var e era
		var err error
		if ok && len(f) == 3 && f[0] == "e" {
			e.until, err = strconv.ParseInt(f[1], 10, 64)
		}
		if !ok || len(f) != 3 || f[0] != "e" || err != nil || e.until <= 0 || e.until > last ||
			(i > 0 && e.until <= c.eras[i-1].until) || json.Unmarshal([]byte(f[2]), &e.opts) != nil {
			return bad("era " + strconv.Itoa(i))
		}
		if _, _, ok := producer(e.opts); !ok {
			return bad("era " + strconv.Itoa(i))
		}
		c.eras = append(c.eras, e)
	}
	c.objs = make([]object, nObjs)
	for i := range c.objs {
		s, ok := line()
		parts := strings.SplitN(s, " ", 8)
		if !ok || len(parts) != 8 || parts[0] != "o" {
			return bad("object " + strconv.Itoa(i))
		}
		scope := id
		if i < legacy {
			scope = ""
		}
		o, err := parseObject(parts[1:], scope)
		if err != nil || o.added <= 0 || o.added > last || o.revoked > last || (o.revoked != 0 && o.revoked < o.added) {
			return bad("object " + strconv.Itoa(i))
		}
		if _, dup := c.byID[o.id]; dup {
			return bad("duplicate id " + o.id)
		}
		c.objs[i] = o
		n := int32(i)
		c.indexObject(n)
	}
	// Each object has its first version, and its revoked one when revoked,
	// exactly once, in log order.
	seen := make([]uint8, nObjs)
	remarks := 0 // records of versions re-markings added
	c.log = make([]record, 0, nRecs)
	for i := 0; i < nRecs; i++ {
		s, ok := line()
		f := strings.Fields(s)
		if !ok || len(f) < 3 || f[0] != "r" || len(f) != 3+b2i(f[2] == "2") || (f[2] != "0" && f[2] != "1" && (f[2] != "2" || !remarked)) {
			return bad("record " + strconv.Itoa(i))
		}
		n, err := strconv.Atoi(f[1])
		if err != nil || n < 0 || n >= nObjs {
			return bad("record " + strconv.Itoa(i))
		}
		o := &c.objs[n]
		r := record{obj: int32(n), revoked: f[2] == "1", remark: f[2] == "2", added: o.added}
		bit := uint8(1)
		if r.remark {
			at, err := strconv.ParseInt(f[3], 10, 64)
			if err != nil || !slices.Contains(c.remarksOf(o), at) {
				return bad("record " + strconv.Itoa(i))
			}
			r.added, bit = at, 0 // once each: the records are in strict order
			remarks++
		}
		if r.revoked {
			if o.revoked == 0 {
				return bad("record " + strconv.Itoa(i))
			}
			r.added, bit = o.revoked, 2
		}
		if seen[n]&bit != 0 || (len(c.log) > 0 && c.compare(c.log[len(c.log)-1], r) >= 0) {
			return bad("record order")
		}
		seen[n] |= bit
		c.log = append(c.log, r)
	}
	for n, s := range seen {
		if s&1 == 0 || (c.objs[n].revoked != 0) != (s&2 != 0) {
			return bad("missing version")
		}
		remarks -= len(c.remarksOf(&c.objs[n]))
	}
	if remarks != 0 {
		return bad("missing version")
	}
	if sc.Scan() || sc.Err() != nil {
		return bad("trailing data")
	}
	return c, nil
}

// parseObject reads the fields after "o" of an object line of the
// collection whose id is scope ("": legacy ids).
func parseObject(f []string, scope string) (object, error) {
	var o object
	kind, err := strconv.ParseUint(f[0], 10, 8)
	if err != nil {
		return o, err
	}
	o.kind = uint8(kind)
	gen, err := strconv.ParseUint(f[2], 10, 32)
	if err != nil {
		return o, err
	}
	o.gen = uint32(gen)
	for i, p := range []*int64{&o.created, &o.added, &o.revoked} {
		if *p, err = strconv.ParseInt(f[3+i], 10, 64); err != nil {
			return o, err
		}
	}
	text, err := strconv.Unquote(f[6])
	if err != nil {
		return o, err
	}
	switch o.kind {
	case kindIndicator:
		if o.typ, err = indicator.ParseType(f[1]); err != nil || !stixTypes.Has(o.typ) {
			return o, errState
		}
		o.value = text
		o.id = indicatorID(scope, o.typ, o.value, o.gen)
	case kindMeta:
		o.raw = []byte(text)
		o.version = versionOf(o.raw)
		o.id = idOf(o.raw)
		if o.id == "" || o.gen != 0 || o.revoked != 0 {
			return o, errState
		}
	default:
		return o, errState
	}
	return o, nil
}

func idOf(raw []byte) string {
	var v struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &v) != nil || !strings.Contains(v.ID, "--") {
		return ""
	}
	return v.ID
}

// indexObject enters object n in c.byID and, for an indicator of a later
// generation than the one held for its value, in c.current.
func (c *Collection) indexObject(n int32) {
	o := &c.objs[n]
	c.byID[o.id] = n
	if o.kind == kindIndicator {
		k := objKey{o.typ, o.value}
		if j, ok := c.current[k]; !ok || c.objs[j].gen < o.gen {
			c.current[k] = n
		}
	}
}

package mispsim

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"
)

// attrsPerEvent is how many generated attributes share one event.
const attrsPerEvent = 1000

// generatedSpan is how far back generated timestamps go (two years).
const generatedSpan = 730 * 86400

// genType is one generated attribute type with its weight (per mille) and
// the object relation it gets inside an object.
type genType struct {
	name     string
	weight   int
	relation string
	value    func(g *gen) string
}

var genTypes = []genType{
	{"ip-dst", 200, "ip", func(g *gen) string { return g.ip() }},
	{"ip-src", 60, "ip", func(g *gen) string { return g.ip() }},
	{"domain", 165, "domain", func(g *gen) string { return g.domain(false) }},
	{"hostname", 70, "hostname", func(g *gen) string { return g.domain(true) }},
	{"url", 130, "url", func(g *gen) string { return g.url() }},
	{"uri", 10, "uri", func(g *gen) string { return g.uri() }},
	{"domain|ip", 50, "", func(g *gen) string { return g.domain(false) + "|" + g.plainIP() }},
	{"ip-dst|port", 40, "", func(g *gen) string { return g.plainIP() + "|" + g.port() }},
	{"ip-src|port", 10, "", func(g *gen) string { return g.plainIP() + "|" + g.port() }},
	{"hostname|port", 5, "", func(g *gen) string { return g.domain(true) + "|" + g.port() }},
	{"md5", 50, "md5", func(g *gen) string { return g.hash(16, g.pools.md5) }},
	{"sha1", 40, "sha1", func(g *gen) string { return g.hash(20, g.pools.sha1) }},
	{"sha256", 60, "sha256", func(g *gen) string { return g.hash(32, g.pools.sha256) }},
	{"filename|sha256", 15, "", func(g *gen) string { return g.filename() + "|" + g.hash(32, g.pools.sha256) }},
	{"filename|md5", 10, "", func(g *gen) string { return g.filename() + "|" + g.hash(16, g.pools.md5) }},
	{"filename|sha1", 5, "", func(g *gen) string { return g.filename() + "|" + g.hash(20, g.pools.sha1) }},
	{"email-src", 15, "from", func(g *gen) string { return g.email() }},
	{"email-dst", 5, "to", func(g *gen) string { return g.email() }},
	{"vulnerability", 8, "", func(g *gen) string { return g.cve() }},
	{"ja3-fingerprint-md5", 5, "ja3-fingerprint-md5", func(g *gen) string { return g.hex(16, false) }},
	{"btc", 5, "", func(g *gen) string { return g.btc() }},
	{"xmr", 2, "", func(g *gen) string { return "4" + g.base58(94) }},
	{"snort", 3, "", func(g *gen) string { return g.snort() }},
	{"yara", 2, "", func(g *gen) string { return g.yara() }},
	{"sigma", 1, "", func(g *gen) string { return g.sigma() }},
	{"mutex", 3, "", func(g *gen) string { return `Global\` + g.word() + strconv.Itoa(g.r.IntN(1000)) }},
	{"x509-fingerprint-sha1", 2, "x509-fingerprint-sha1", func(g *gen) string { return g.hex(20, false) }},
	{"user-agent", 3, "user-agent", func(g *gen) string { return g.userAgent() }},
	{"email-subject", 2, "subject", func(g *gen) string { return "Invoice #" + strconv.Itoa(g.r.IntN(99999)) + " " + g.word() }},
	{"filename", 5, "filename", func(g *gen) string { return g.filename() }},
	{"regkey", 2, "", func(g *gen) string {
		return `HKLM\Software\Microsoft\Windows\CurrentVersion\Run\` + g.word()
	}},
	{"text", 5, "text", func(g *gen) string { return "Malware family: " + g.word() }},
	{"link", 5, "", func(g *gen) string {
		return "https://blog.example.org/" + strconv.Itoa(2020+g.r.IntN(6)) + "/" + g.word() + "-" + g.word()
	}},
	{"comment", 2, "comment", func(g *gen) string { return "Observed during " + g.word() + " analysis" }},
}

// eventRand is the random source of generated event e: it depends on the
// seed and e only, so generation gives the same bytes on any number of
// workers.
func eventRand(seed int64, e int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), uint64(e)*0x9e3779b97f4a7c15+1))
}

// generate adds n generated attributes in events of attrsPerEvent.
func (s *Server) generate(n int) error {
	pools, err := readPools(s.opts.DataDir)
	if err != nil {
		return err
	}
	prefix := s.opts.TagPrefix
	if prefix == "" {
		prefix = "cratos"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	benign := collectBenign(st.wls)
	s.registerClassTags(prefix)
	classTags := make([]int32, len(classes))
	for i, c := range classes {
		classTags[i] = st.tag(classTag(prefix, c.name), "")
	}
	tlpTags := []int32{st.tag("tlp:white", ""), st.tag("tlp:green", ""), st.tag("tlp:amber", ""), st.tag("tlp:clear", "")}
	osint := st.tag("type:OSINT", "#004646")
	galaxy := st.tag(`misp-galaxy:threat-actor="Sofacy"`, "#0088cc")
	orgs := []int32{
		st.org("CIRCL", "55f6ea5e-2c60-40e5-964f-47a8950d210f"),
		st.org("ESET", "55f6ea5e-51ac-4344-bc8c-4170950d210f"),
		st.org("Cratos Demo CERT", ""),
		st.org("ACME SOC", ""),
		0,
	}
	typeIDs := make([]uint16, len(genTypes))
	catIDs := make([]uint16, len(genTypes))
	idsByDefault := make([]bool, len(genTypes))
	cum := make([]int, len(genTypes))
	total := 0
	for i, t := range genTypes {
		typeIDs[i] = st.typeID(t.name)
		catIDs[i] = st.catID(defaultCategory(t.name))
		idsByDefault[i] = defaultToIDs(t.name)
		if len(s.opts.GenerateTypes) == 0 || slices.Contains(s.opts.GenerateTypes, t.name) {
			total += t.weight
		}
		cum[i] = total
	}
	if total == 0 {
		return fmt.Errorf("generate: none of the types %v can be generated", s.opts.GenerateTypes)
	}

	nEvents := (n + attrsPerEvent - 1) / attrsPerEvent
	evBase, attrBase, objBase := st.maxEventID, st.maxAttrID, st.maxObjectID
	now := s.opts.Now().Unix()
	firstEvent := int32(len(st.events))
	seed := s.opts.Seed
	for e := range nEvents {
		g := &gen{r: eventRand(seed, e), pools: pools, benign: benign}
		er := &eventRec{
			id:        evBase + int64(e) + 1,
			uuid:      g.uuid(),
			info:      "OSINT - " + g.oneOf(families) + " campaign wave " + strconv.Itoa(e+1),
			published: g.r.IntN(100) < 65,
			orgc:      orgs[g.r.IntN(len(orgs))],
		}
		er.tags = []int32{tlpTags[g.r.IntN(len(tlpTags))], classTags[classIndex(g.r.Uint64())]}
		if g.r.IntN(2) == 0 {
			er.tags = append(er.tags, osint)
		}
		if g.r.IntN(10) == 0 {
			er.tags = append(er.tags, galaxy)
		}
		er.json = st.encodeEvent(nil, er, "")
		idx := int32(len(st.events))
		st.events = append(st.events, er)
		st.eventByID[er.id] = idx
		st.eventByUUID[er.uuid] = idx
	}

	fpSet := st.tagSet([]int32{classTags[len(classTags)-1]})
	classSets := make([]int32, len(classTags))
	for i, t := range classTags {
		classSets[i] = st.tagSet([]int32{t})
	}
	amberSet := st.tagSet([]int32{tlpTags[2]})

	// Workers fill st.attrs in place, each from its own arena; chunk
	// numbers are made global afterwards.
	start := len(st.attrs)
	st.attrs = slices.Grow(st.attrs, n)[:start+n]
	workers := min(runtime.GOMAXPROCS(0), nEvents)
	arenas := make([]arena, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := nEvents*w/workers, nEvents*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			ar := &arenas[w]
			var buf []byte
			for e := lo; e < hi; e++ {
				// A second stream, so attribute values do not depend on how
				// many draws the event header took.
				g := &gen{r: eventRand(seed^0x5bd1e995, e), pools: pools, benign: benign}
				ei := firstEvent + int32(e)
				er := st.events[ei]
				count := min(attrsPerEvent, n-e*attrsPerEvent)
				var objID int64
				objLeft := 0
				for k := range count {
					ti := pickType(cum, g.r.IntN(total))
					gt := &genTypes[ti]
					a := Attribute{
						ID:        attrBase + int64(e*attrsPerEvent+k) + 1,
						UUID:      g.uuid(),
						Type:      gt.name,
						Category:  st.catNames[catIDs[ti]],
						Value:     gt.value(g),
						Timestamp: now - g.r.Int64N(generatedSpan),
					}
					if idsByDefault[ti] {
						a.ToIDS = g.r.IntN(100) < 85
					} else {
						a.ToIDS = g.r.IntN(100) < 5
					}
					a.Deleted = g.r.IntN(1000) < 5
					if g.r.IntN(10) == 0 {
						a.Comment = g.oneOf([]string{"Imported from partner feed", "Seen in phishing wave", "C2 — confirmed by sandbox", "Reported by customer SOC", "false positive?"})
					}
					if gt.relation != "" && objLeft == 0 && g.r.IntN(100) < 3 {
						objID = objBase + int64(e*attrsPerEvent+k) + 1
						objLeft = 2 + g.r.IntN(3)
					}
					if objLeft > 0 && gt.relation != "" {
						a.ObjectID, a.ObjectRelation = objID, gt.relation
						objLeft--
					}
					set := int32(0)
					switch t := g.r.IntN(1000); {
					case t < 2:
						set = fpSet
					case t < 5:
						set = classSets[classIndex(g.r.Uint64())]
					case t < 7:
						set = amberSet
					}
					buf = st.encodeAttr(buf[:0], &a, er, st.tagSets[set])
					r := attrRec{
						id: a.ID, ts: a.Timestamp, value: a.Value, tagSet: set,
						event: ei, typ: typeIDs[ti], cat: catIDs[ti], n: uint32(len(buf)),
					}
					if a.ToIDS {
						r.flags |= flagToIDS
					}
					if a.Deleted {
						r.flags |= flagDeleted
					}
					if a.ObjectID != 0 {
						r.flags |= flagInObject
					}
					r.chunk, r.off = ar.add(buf)
					st.attrs[start+e*attrsPerEvent+k] = r
				}
			}
		}()
	}
	wg.Wait()
	for w := range workers {
		base := uint32(len(st.arena.chunks))
		st.arena.chunks = append(st.arena.chunks, arenas[w].chunks...)
		lo, hi := start+nEvents*w/workers*attrsPerEvent, start+min(n, nEvents*(w+1)/workers*attrsPerEvent)
		for i := lo; i < hi; i++ {
			st.attrs[i].chunk += base
		}
	}
	st.maxEventID = evBase + int64(nEvents)
	st.maxAttrID = attrBase + int64(n)
	st.maxObjectID = objBase + int64(n)
	st.finishEvents(firstEvent, now)
	st.gen++
	return nil
}

func classIndex(h uint64) int {
	c := classFor(h)
	for i := range classes {
		if classes[i].name == c {
			return i
		}
	}
	return 0
}

func pickType(cum []int, x int) int {
	lo, hi := 0, len(cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

func defaultToIDs(t string) bool {
	for i := range knownTypes {
		if knownTypes[i].name == t {
			return knownTypes[i].toIDs
		}
	}
	return false
}

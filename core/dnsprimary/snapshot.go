package dnsprimary

import (
	"slices"
	"time"

	"github.com/miekg/dns"
)

// delta is one journal entry: the change from one serial to the next.
type delta struct {
	from, to       *dns.SOA // the SOA as served at each serial
	removed, added []dns.RR
}

// node holds the records of one owner name; an empty non-terminal has
// none.
type node struct {
	rrs []dns.RR
}

// snapshot is an immutable served version of a zone.
type snapshot struct {
	soa     *dns.SOA // as served, with the server's serial
	records []record
	names   map[string]*node // owner (lower case) -> records; includes empty non-terminals
	journal []*delta         // oldest first; the last one ends at soa's serial
}

// newSnapshot indexes records under soa.
func newSnapshot(soa *dns.SOA, recs []record, journal []*delta) *snapshot {
	s := &snapshot{soa: soa, records: recs, journal: journal, names: make(map[string]*node, len(recs))}
	origin := soa.Hdr.Name
	s.names[origin] = &node{}
	for _, r := range recs {
		name := r.rr.Header().Name
		n := s.names[name]
		if n == nil {
			n = &node{}
			s.names[name] = n
			// Mark the ancestors up to the apex as existing (empty
			// non-terminals answer NODATA, not NXDOMAIN).
			for p := parent(name); p != "" && len(p) > len(origin); p = parent(p) {
				if _, ok := s.names[p]; ok {
					break
				}
				s.names[p] = &node{}
			}
		}
		n.rrs = append(n.rrs, r.rr)
	}
	return s
}

// parent strips the leftmost label of an fqdn; it returns "" for the root.
func parent(name string) string {
	off, end := dns.NextLabel(name, 0)
	if end {
		return ""
	}
	return name[off:]
}

// withSerial returns a copy of soa carrying serial.
func withSerial(soa *dns.SOA, serial uint32) *dns.SOA {
	c := dns.Copy(soa).(*dns.SOA)
	c.Serial = serial
	return c
}

// next returns the snapshot following cur for the parsed text p at time
// now, or nil when nothing changed. maxJournal bounds the journal.
func next(cur *snapshot, p *parsed, now time.Time, maxJournal int) *snapshot {
	if cur == nil {
		return newSnapshot(withSerial(p.soa, uint32(now.Unix())), p.records, nil)
	}
	removed, added := diff(cur.records, p.records)
	if len(removed) == 0 && len(added) == 0 && sameSOA(cur.soa, p.soa) {
		return nil
	}
	soa := withSerial(p.soa, nextSerial(cur.soa.Serial, now))
	d := &delta{from: cur.soa, to: soa, removed: removed, added: added}
	var journal []*delta
	// A diff as large as the new zone saves nothing over a full transfer;
	// it is not kept, and the chain through it is broken, so older serials
	// get a full transfer as well.
	if maxJournal > 0 && d.changes() <= len(p.records) {
		journal = appendJournal(cur.journal, d, maxJournal, len(p.records))
	}
	return newSnapshot(soa, p.records, journal)
}

// renumbered returns s under serial, with a journal entry of no changes
// from s's serial to it. maxJournal bounds the journal.
func (s *snapshot) renumbered(serial uint32, maxJournal int) *snapshot {
	c := *s
	c.soa = withSerial(s.soa, serial)
	c.journal = nil
	if maxJournal > 0 {
		c.journal = appendJournal(s.journal, &delta{from: s.soa, to: c.soa}, maxJournal, len(s.records))
	}
	return &c
}

// changes is the number of records the entry removes and adds.
func (d *delta) changes() int { return len(d.removed) + len(d.added) }

// appendJournal returns journal followed by d, trimmed by trimJournal.
func appendJournal(journal []*delta, d *delta, maxJournal, maxChanges int) []*delta {
	return trimJournal(append(slices.Clip(journal), d), maxJournal, maxChanges)
}

// trimJournal returns the newest entries of journal: at most maxJournal,
// and at most maxChanges records removed and added in all. An IXFR
// through more changes than the zone has records would be larger than
// the full zone, which is sent instead.
func trimJournal(journal []*delta, maxJournal, maxChanges int) []*delta {
	if len(journal) > maxJournal {
		journal = journal[len(journal)-maxJournal:]
	}
	changes := 0
	for _, e := range journal {
		changes += e.changes()
	}
	for len(journal) > 0 && changes > maxChanges {
		changes -= journal[0].changes()
		journal = journal[1:]
	}
	return journal
}

// changesSince returns the journal entries leading from serial to the
// current serial, or false when serial is not in the journal.
func (s *snapshot) changesSince(serial uint32) ([]*delta, bool) {
	for i, d := range s.journal {
		if d.from.Serial == serial {
			return s.journal[i:], true
		}
	}
	return nil, false
}

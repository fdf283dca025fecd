package dnsprimary

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/miekg/dns"
)

// StateStore keeps a zone's served content, serial and journal across
// restarts (core/state's Dir implements it): Read reports a missing or
// corrupt file as absent.
type StateStore interface {
	Write(name string, payload []byte) error
	Read(name string) ([]byte, bool, error)
}

// zoneFile is what is kept of a zone: its text as served (the SOA with
// the served serial, then every record) and its IXFR journal.
type zoneFile struct {
	Origin  string      `json:"origin"`
	Text    string      `json:"text"`
	Journal []deltaFile `json:"journal,omitempty"`
}

type deltaFile struct {
	From    string   `json:"from"`
	To      string   `json:"to"`
	Removed []string `json:"removed"`
	Added   []string `json:"added"`
}

func zoneStateName(origin string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(origin)))
	return "zone-" + hex.EncodeToString(sum[:16])
}

func rrStrings(rrs []dns.RR) []string {
	out := make([]string, len(rrs))
	for i, rr := range rrs {
		out[i] = rr.String()
	}
	return out
}

func encodeZone(origin string, snap *snapshot) ([]byte, error) {
	var b strings.Builder
	b.WriteString(snap.soa.String())
	b.WriteByte('\n')
	for _, r := range snap.records {
		b.WriteString(r.rr.String())
		b.WriteByte('\n')
	}
	f := zoneFile{Origin: origin, Text: b.String()}
	for _, d := range snap.journal {
		f.Journal = append(f.Journal, deltaFile{From: d.from.String(), To: d.to.String(), Removed: rrStrings(d.removed), Added: rrStrings(d.added)})
	}
	return json.Marshal(f)
}

func parseRRs(ss []string) ([]dns.RR, error) {
	out := make([]dns.RR, 0, len(ss))
	for _, s := range ss {
		rr, err := dns.NewRR(s)
		if err != nil || rr == nil {
			return nil, fmt.Errorf("journal record %q: %v", s, err)
		}
		out = append(out, rr)
	}
	return out, nil
}

func parseSOA(s string) (*dns.SOA, error) {
	rr, err := dns.NewRR(s)
	soa, ok := rr.(*dns.SOA)
	if err != nil || !ok {
		return nil, fmt.Errorf("journal SOA %q: not an SOA", s)
	}
	return soa, nil
}

var errForeignZone = errors.New("the file is of another zone")

func decodeZone(origin string, b []byte) (*snapshot, error) {
	var f zoneFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	if !strings.EqualFold(f.Origin, origin) {
		return nil, errForeignZone
	}
	p, err := parseZone(f.Text, origin)
	if err != nil {
		return nil, err
	}
	var journal []*delta
	for _, df := range f.Journal {
		d := &delta{}
		if d.from, err = parseSOA(df.From); err != nil {
			return nil, err
		}
		if d.to, err = parseSOA(df.To); err != nil {
			return nil, err
		}
		if d.removed, err = parseRRs(df.Removed); err != nil {
			return nil, err
		}
		if d.added, err = parseRRs(df.Added); err != nil {
			return nil, err
		}
		journal = append(journal, d)
	}
	if err := checkJournal(origin, p.soa, journal); err != nil {
		return nil, err
	}
	return newSnapshot(p.soa, p.records, journal), nil
}

// checkJournal refuses a journal that IXFR could not serve as it is: each
// entry must go forward from the serial the one before ends at, the last
// one to the zone's SOA, with the zone's SOAs and records of the zone
// other than an SOA (which a secondary reads as the end of a section).
func checkJournal(origin string, soa *dns.SOA, journal []*delta) error {
	for i, d := range journal {
		for _, s := range []*dns.SOA{d.from, d.to} {
			if !strings.EqualFold(s.Hdr.Name, origin) || s.Hdr.Class != dns.ClassINET {
				return fmt.Errorf("journal entry %d: SOA %s is not at the zone apex", i, s.Hdr.Name)
			}
		}
		if !serialLess(d.from.Serial, d.to.Serial) {
			return fmt.Errorf("journal entry %d goes from serial %d back to %d", i, d.from.Serial, d.to.Serial)
		}
		if i > 0 && d.from.Serial != journal[i-1].to.Serial {
			return fmt.Errorf("journal entry %d starts at serial %d, not at %d", i, d.from.Serial, journal[i-1].to.Serial)
		}
		for _, rrs := range [][]dns.RR{d.removed, d.added} {
			for _, rr := range rrs {
				h := rr.Header()
				switch {
				case h.Class != dns.ClassINET:
					return fmt.Errorf("journal entry %d: %s: class %s, want IN", i, h.Name, dns.ClassToString[h.Class])
				case !inZone(h.Name, origin):
					return fmt.Errorf("journal entry %d: %s: owner outside the zone %s", i, h.Name, origin)
				case h.Rrtype == dns.TypeSOA:
					return fmt.Errorf("journal entry %d: %s SOA among the records", i, h.Name)
				}
			}
		}
	}
	if n := len(journal); n > 0 {
		if last := journal[n-1].to; last.Serial != soa.Serial || !sameSOA(last, soa) {
			return errors.New("the journal does not end at the zone's SOA")
		}
	}
	return nil
}

// saveZone keeps snap, the zone's new served version, in the state
// store. A failure is logged: the zone is served all the same.
func (s *Server) saveZone(z *zoneState, snap *snapshot) {
	if s.state == nil {
		return
	}
	b, err := encodeZone(z.cfg.origin, snap)
	if err == nil {
		err = s.state.Write(zoneStateName(z.cfg.origin), b)
	}
	if err != nil {
		s.log.Warn("zone not kept in state_dir", "zone", z.cfg.origin, "serial", snap.soa.Serial, "err", err)
	}
}

// restoreZone returns the zone's version kept in the state store, or nil.
// A corrupt file is logged and ignored.
func (s *Server) restoreZone(z *zoneState) *snapshot {
	if s.state == nil {
		return nil
	}
	b, ok, err := s.state.Read(zoneStateName(z.cfg.origin))
	if err != nil || !ok {
		if err != nil {
			s.log.Warn("zone state unreadable", "zone", z.cfg.origin, "err", err)
		}
		return nil
	}
	snap, err := decodeZone(z.cfg.origin, b)
	if err != nil {
		s.log.Warn("zone state is corrupt; ignoring it", "zone", z.cfg.origin, "err", err)
		return nil
	}
	// Kept under a larger JournalSize, or by a version that did not bound
	// the journal by the zone's size: trimmed as a build trims it.
	snap.journal = trimJournal(snap.journal, z.cfg.journal, len(snap.records))
	s.log.Info("zone restored from state_dir", "zone", z.cfg.origin, "serial", snap.soa.Serial, "records", len(snap.records),
		"journal", len(snap.journal))
	return snap
}

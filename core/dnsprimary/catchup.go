package dnsprimary

import (
	"net/netip"
	"time"
)

// notBehind reports whether serial is neither cur nor before it: greater
// in serial arithmetic, or exactly 2^31 away, where the order is
// undefined and a secondary takes no transfer either.
func notBehind(serial, cur uint32) bool {
	return serial != cur && !serialLess(serial, cur)
}

// serialPast returns a serial greater, in serial arithmetic, than both
// cur and ahead (a serial not behind cur): the one nextSerial gives after
// ahead, or else ahead+1. There is none when ahead is 2^31-1 or 2^31
// past cur: a serial past ahead would then not be past cur.
func serialPast(cur, ahead uint32, now time.Time) (uint32, bool) {
	for _, s := range []uint32{nextSerial(ahead, now), ahead + 1} {
		if serialLess(cur, s) && serialLess(ahead, s) {
			return s, true
		}
	}
	return 0, false
}

// advance replaces z's served snapshot with step's successor of it, when
// step returns one, and keeps it in the state store. Builds and serial
// catch-ups go through it in turn, so that neither overwrites the serial
// the other set. It returns the snapshot step saw and its successor.
func (s *Server) advance(z *zoneState, step func(cur *snapshot) *snapshot) (cur, nxt *snapshot) {
	z.store.Lock()
	defer z.store.Unlock()
	cur = z.snap.Load()
	if nxt = step(cur); nxt != nil {
		z.snap.Store(nxt)
		s.saveZone(z, nxt)
	}
	return cur, nxt
}

// passSerial moves z's serial past ahead, the serial of a secondary
// (allowed to transfer, over TCP) that is not behind the zone: such a
// secondary takes no transfer until the zone's serial is greater than its
// own, which happens when the zone's state was lost or the clock went
// back. The content stays; the journal gets an entry without changes, so
// secondaries at the old serial transfer only the SOA. A zone served as
// restored from the state store, before any build, is not moved: its
// last change may not have been kept, and the secondary may hold a newer
// zone than it. It returns the snapshot served now and whether the
// serial moved.
func (s *Server) passSerial(z *zoneState, ahead uint32, client netip.AddrPort) (*snapshot, bool) {
	stuck, restored := false, false
	cur, nxt := s.advance(z, func(cur *snapshot) *snapshot {
		if !notBehind(ahead, cur.soa.Serial) {
			return nil // a build or another secondary moved it meanwhile
		}
		if !z.built {
			restored = true
			return nil
		}
		serial, ok := serialPast(cur.soa.Serial, ahead, s.now())
		if !ok {
			stuck = true
			return nil
		}
		return cur.renumbered(serial, z.cfg.journal)
	})
	attrs := []any{"zone", z.cfg.origin, "client", client.String(), "client_serial", ahead}
	if stuck {
		s.log.Warn("secondary's serial is 2^31-1 or 2^31 past the zone's, where no serial passes both; force a transfer on it",
			append(attrs, "serial", cur.soa.Serial)...)
	}
	if restored {
		s.log.Warn("secondary's serial is ahead of the zone restored from state_dir, whose last change may not have been kept: the serial moves past it only after a build",
			append(attrs, "serial", cur.soa.Serial)...)
	}
	if nxt == nil {
		return cur, false
	}
	s.log.Warn("zone serial moved past a secondary's, which was ahead", append(attrs, "serial", nxt.soa.Serial, "previous", cur.soa.Serial)...)
	s.notifyAll(z, nxt.soa)
	return nxt, true
}

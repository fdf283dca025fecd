package export

import "time"

// fresh reports whether something read from MISP at fetched may be
// served to a request whose cache lifetime is ttl: the request's cache
// lifetime (?cache=N, else the site's) is also the oldest list it
// accepts, so a shorter N than the one a list was cached with gets a
// rebuilt list rather than the old one. A zero fetched time (an entry
// written by an older version) or ttl places no bound.
func fresh(fetched, now time.Time, ttl time.Duration) bool {
	if fetched.IsZero() || ttl <= 0 {
		return true
	}
	// Snapshot times are kept to the second: allow for the truncation.
	age := now.Sub(fetched)
	return age < ttl+time.Second && !fromTheFuture(age)
}

// clockSlack is how far ahead of now a read time may lie and still be
// trusted: clocks of replicas a little apart. Farther, the clock was set
// back since (or another replica's is far ahead), and what was read then
// is taken for due, not served until the clock has caught up with it.
const clockSlack = time.Minute

// fromTheFuture reports whether age, now less a read time, puts the read
// farther ahead of now than clockSlack.
func fromTheFuture(age time.Duration) bool { return age < -clockSlack }

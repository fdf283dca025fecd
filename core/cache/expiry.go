package cache

import (
	"math"
	"time"
)

// expiration converts ttl into memcached's expiration field and the moment
// it stands for. memcached reads values up to 30 days as seconds from now
// and larger ones as absolute unix times; ttl <= 0 means no expiry (0), and
// a partial second rounds up, so that a short positive ttl never becomes 0.
func expiration(ttl time.Duration, now time.Time) (int32, time.Time) {
	if ttl <= 0 {
		return 0, time.Time{}
	}
	secs := int64(ttl / time.Second)
	if ttl%time.Second != 0 {
		secs++
	}
	if secs <= relativeExpiryLimit {
		return int32(secs), now.Add(time.Duration(secs) * time.Second)
	}
	abs := min(now.Unix()+secs, math.MaxInt32)
	return int32(abs), time.Unix(abs, 0)
}

// The item flags carry the value's expiry as unix seconds (0: none), so that
// a reader can copy the value into another level with its remaining TTL;
// memcached itself does not report it.
func flagsFromExpiry(t time.Time) uint32 {
	if t.IsZero() {
		return 0
	}
	return uint32(min(max(t.Unix(), 1), math.MaxUint32))
}

func expiryFromFlags(f uint32) time.Time {
	if f == 0 {
		return time.Time{}
	}
	return time.Unix(int64(f), 0)
}

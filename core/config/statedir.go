package config

import "time"

// DefaultStateMaxAgeDays is state_max_age_days when unset.
const DefaultStateMaxAgeDays = 30

// maxStateMaxAgeDays bounds state_max_age_days (a hundred years).
const maxStateMaxAgeDays = 36500

// StateMaxAge returns how long a last good list neither built nor served
// is kept in state_dir; 0: until removed by hand.
func (c *Config) StateMaxAge() time.Duration {
	days := DefaultStateMaxAgeDays
	if c.StateMaxAgeDays != nil {
		days = *c.StateMaxAgeDays
	}
	return time.Duration(days) * 24 * time.Hour
}

// DefaultStateMaxBytes is state_max_bytes when unset: room for a hundred
// lists of tens of MB, the size of a feed of millions of values.
const DefaultStateMaxBytes = 10 << 30

// StateListBytes returns the bytes the last good lists in state_dir may
// take; 0: no bound.
func (c *Config) StateListBytes() int64 {
	if c.StateMaxBytes == nil {
		return DefaultStateMaxBytes
	}
	return *c.StateMaxBytes
}

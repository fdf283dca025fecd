package export

import (
	"context"
	"testing"
	"time"
)

// A read time is fresh for the request's lifetime, the second it was
// truncated to included, and up to clockSlack ahead of now; farther
// ahead, the clock was set back since, and the list is due.
func TestFresh(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	const ttl = time.Hour
	tests := []struct {
		name    string
		fetched time.Time
		ttl     time.Duration
		want    bool
	}{
		{"just read", now, ttl, true},
		{"within the lifetime", now.Add(-59 * time.Minute), ttl, true},
		{"the truncated second", now.Add(-ttl).Add(500 * time.Millisecond), ttl, true},
		{"past the lifetime", now.Add(-ttl - time.Second), ttl, false},
		{"a replica's clock a little ahead", now.Add(clockSlack), ttl, true},
		{"a clock set back an hour since", now.Add(time.Hour), ttl, false},
		{"a clock set back past the slack", now.Add(clockSlack + time.Second), ttl, false},
		{"no lifetime", now.Add(time.Hour), 0, true},
		{"no read time", time.Time{}, ttl, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fresh(tt.fetched, now, tt.ttl); got != tt.want {
				t.Errorf("fresh = %v, want %v", got, tt.want)
			}
			if tt.fetched.IsZero() {
				return
			}
			r := Request{TTL: tt.ttl}
			if got, want := feedUsable(context.Background(), r, now, tt.fetched), tt.want && now.Sub(tt.fetched) < tt.ttl || tt.ttl == 0; got != want {
				t.Errorf("feedUsable = %v, want %v", got, want)
			}
		})
	}
}

package server

import (
	"testing"
	"time"
)

func TestSessionLifetime(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	var busy []time.Duration // a visit every 20 minutes for 12 hours
	for d := 20 * time.Minute; d < 12*time.Hour; d += 20 * time.Minute {
		busy = append(busy, d)
	}
	for _, tc := range []struct {
		name     string
		tokenEnd time.Time
		visits   []time.Duration // from t0, each must find the session
		dead     time.Duration   // from t0, must not
	}{
		{"idle timeout", time.Time{}, []time.Duration{29 * time.Minute}, 29*time.Minute + sessionIdle},
		{"absolute end despite use", time.Time{}, busy, 12 * time.Hour},
		{"token expiry first", t0.Add(20 * time.Minute), []time.Duration{19 * time.Minute}, 20 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newSessionStore()
			s := st.create("fp", "site", "op", t0, tc.tokenEnd)
			if s.id == s.csrf || len(s.id) != 43 {
				t.Fatalf("ids %q %q", s.id, s.csrf)
			}
			for _, v := range tc.visits {
				if st.get(s.id, t0.Add(v)) == nil {
					t.Fatalf("session gone at +%s", v)
				}
			}
			if st.get(s.id, t0.Add(tc.dead)) != nil {
				t.Fatalf("session alive at +%s", tc.dead)
			}
			if st.get(s.id, t0) != nil {
				t.Fatal("an ended session came back")
			}
		})
	}
	st := newSessionStore()
	first := st.create("fp", "site", "op", t0, time.Time{})
	for i := range sessionsKept {
		st.create("fp", "site", "op", t0.Add(time.Duration(i+1)*time.Millisecond), time.Time{})
	}
	if len(st.m) != sessionsKept || st.get(first.id, t0.Add(time.Second)) != nil {
		t.Errorf("store holds %d sessions; the least recently used should be gone", len(st.m))
	}
	s := st.create("fp", "site", "op", t0, time.Time{})
	if s.checkCSRF("") || s.checkCSRF(s.id) || !s.checkCSRF(s.csrf) {
		t.Error("CSRF check")
	}
}

package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"sync"
	"time"
)

// Console sessions: the cookie holds a random id, never the token; the
// server keeps what the token was (its fingerprint and site) and a CSRF
// token for the session's forms.
const (
	sessionCookie  = "cratos_console"
	sessionIdle    = 30 * time.Minute
	sessionMaxAge  = 12 * time.Hour
	sessionsKept   = 1024
	sessionIDBytes = 32
)

type session struct {
	id, csrf    string
	fingerprint string // of the admin token that opened it
	site        string // the token's site
	// mispURL and mispKey are the admin token's MISP, for the lookup box;
	// they never leave the server.
	mispURL, mispKey string
	tokenExpires     string // the token's expiry date, for token_max_days
	name             string // what the console calls the operator
	created          time.Time
	seen             time.Time
	expires          time.Time // absolute end: sessionMaxAge or the token's expiry
	flash            string    // shown once on the next page
}

type sessionStore struct {
	mu sync.Mutex
	m  map[string]*session
	// noticeKey seals the refusals carried to the login page
	// (console_notice.go).
	noticeKey []byte
}

func newSessionStore() *sessionStore {
	return &sessionStore{m: map[string]*session{}, noticeKey: []byte(randomID())}
}

func randomID() string {
	b := make([]byte, sessionIDBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// create opens a session; tokenEnd is when the token stops working.
func (st *sessionStore) create(fp, site, name string, now, tokenEnd time.Time) *session {
	end := now.Add(sessionMaxAge)
	if !tokenEnd.IsZero() && tokenEnd.Before(end) {
		end = tokenEnd
	}
	s := &session{id: randomID(), csrf: randomID(), fingerprint: fp, site: site, name: name, created: now, seen: now, expires: end}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.expire(now)
	if len(st.m) >= sessionsKept {
		var oldest *session
		for _, v := range st.m {
			if oldest == nil || v.seen.Before(oldest.seen) {
				oldest = v
			}
		}
		delete(st.m, oldest.id)
	}
	st.m[s.id] = s
	return s
}

// expire drops ended sessions. Called with mu held.
func (st *sessionStore) expire(now time.Time) {
	for id, s := range st.m {
		if !s.live(now) {
			delete(st.m, id)
		}
	}
}

func (s *session) live(now time.Time) bool {
	return now.Before(s.expires) && now.Sub(s.seen) < sessionIdle
}

// get returns a live session and marks it used, or nil.
func (st *sessionStore) get(id string, now time.Time) *session {
	if id == "" {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.m[id]
	if !ok {
		return nil
	}
	if !s.live(now) {
		delete(st.m, id)
		return nil
	}
	s.seen = now
	return s
}

// takeFlash returns and clears the session's one-time message.
func (st *sessionStore) takeFlash(s *session) string {
	st.mu.Lock()
	defer st.mu.Unlock()
	f := s.flash
	s.flash = ""
	return f
}

func (st *sessionStore) setFlash(s *session, msg string) {
	st.mu.Lock()
	s.flash = msg
	st.mu.Unlock()
}

func (st *sessionStore) drop(id string) {
	st.mu.Lock()
	delete(st.m, id)
	st.mu.Unlock()
}

// checkCSRF compares a submitted form token with the session's in
// constant time.
func (s *session) checkCSRF(got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) == 1
}

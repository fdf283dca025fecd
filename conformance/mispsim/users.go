package mispsim

import (
	"crypto/subtle"
	"net/http"
)

// User is an API user of the emulator: the key it authenticates with,
// and what /users/view/me answers for it (User.id, User.org_id,
// User.email).
type User struct {
	Key   string
	ID    int64
	OrgID int64
	Email string
}

// defaultUser is the user of Options.Key.
func defaultUser(key string) User {
	return User{Key: key, ID: 1, OrgID: 1, Email: "cratos-demo@example.org"}
}

// userOf returns the user whose key r's Authorization carries; a key no
// user has (or none) is refused as MISP refuses it (403, authFailed).
func (s *Server) userOf(r *http.Request) (User, bool) {
	got := []byte(r.Header.Get("Authorization"))
	s.usersMu.RLock()
	defer s.usersMu.RUnlock()
	for _, u := range s.users {
		if u.Key != "" && subtle.ConstantTimeCompare(got, []byte(u.Key)) == 1 {
			return u, true
		}
	}
	return User{}, false
}

// AddUser adds an API user, or another key of a user (an auth key
// created in MISP while it runs, as a key rotation does).
func (s *Server) AddUser(u User) {
	s.usersMu.Lock()
	defer s.usersMu.Unlock()
	s.users = append(s.users, u)
}

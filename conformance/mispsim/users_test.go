package mispsim

import (
	"net/http"
	"testing"
)

// TestUsers: each key authenticates its user, /users/view/me answers
// with that user (two keys of one user, as after a key rotation, with
// the same one, the second added while the emulator runs), and a key no user has is refused as MISP refuses it.
func TestUsers(t *testing.T) {
	s, err := New(Options{Users: []User{
		{Key: "key-of-user-7", ID: 7, OrgID: 1, Email: "soc@example.org"},
		{Key: "key-of-user-9", ID: 9, OrgID: 4, Email: "partner@example.net"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	s.AddUser(User{Key: "rotated-key-of-user-7", ID: 7, OrgID: 1, Email: "soc@example.org"})
	for _, tc := range []struct{ key, id, org, email, orgName string }{
		{DefaultKey, "1", "1", "cratos-demo@example.org", localOrgName},
		{"key-of-user-7", "7", "1", "soc@example.org", localOrgName},
		{"rotated-key-of-user-7", "7", "1", "soc@example.org", localOrgName},
		{"key-of-user-9", "9", "4", "partner@example.net", "ORG4"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			var v struct {
				User struct {
					ID    string `json:"id"`
					OrgID string `json:"org_id"`
					Email string `json:"email"`
				} `json:"User"`
				Organisation struct{ ID, Name string } `json:"Organisation"`
			}
			rec := call(t, s, http.MethodGet, "/users/view/me.json", "", map[string]string{"Authorization": tc.key})
			decode(t, rec, &v)
			if v.User.ID != tc.id || v.User.OrgID != tc.org || v.User.Email != tc.email || v.Organisation.ID != tc.org || v.Organisation.Name != tc.orgName {
				t.Errorf("%s", rec.Body.String())
			}
			if rec := call(t, s, http.MethodPost, "/attributes/restSearch", `{"type":"ip-dst"}`, map[string]string{"Authorization": tc.key}); rec.Code != 200 {
				t.Errorf("restSearch: %d", rec.Code)
			}
		})
	}
	for _, key := range []string{"", "key-of-user-8", "key-of-user-"} {
		rec := call(t, s, http.MethodGet, "/users/view/me", "", map[string]string{"Authorization": key})
		want := `{"name":"` + authFailed + `","message":"` + authFailed + `","url":"/users/view/me"}`
		if rec.Code != http.StatusForbidden || rec.Body.String() != want {
			t.Errorf("key %q: %d %s", key, rec.Code, rec.Body.String())
		}
	}
}

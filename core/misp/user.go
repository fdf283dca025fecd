package misp

import (
	"context"
	"encoding/json"
	"strings"
)

// User is who an API key belongs to, as MISP's /users/view/me answers:
// the user's id, organisation id and e-mail address. Every key of a user
// has the same ID.
type User struct {
	ID, OrgID, Email string
}

// Me asks MISP whose key the client's is (GET /users/view/me). An
// answer without User.id is a BadResponse.
func (c *Client) Me(ctx context.Context) (User, error) {
	b, err := c.GetJSON(ctx, "/users/view/me.json")
	if err != nil {
		return User{}, err
	}
	u, detail := decodeUser(b)
	if detail != "" {
		return User{}, &Error{Kind: BadResponse, Site: c.opts.Site, Detail: "users/view/me answered " + detail}
	}
	return u, nil
}

// decodeUser reads a /users/view/me answer; detail says what is wrong
// with one that names no user.
func decodeUser(b []byte) (u User, detail string) {
	var v struct {
		User struct {
			ID    json.RawMessage `json:"id"`
			OrgID json.RawMessage `json:"org_id"`
			Email string          `json:"email"`
		} `json:"User"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return User{}, "with JSON of another shape"
	}
	u = User{ID: idText(v.User.ID), OrgID: idText(v.User.OrgID), Email: v.User.Email}
	if u.ID == "" || u.ID == "0" {
		return User{}, "without User.id"
	}
	return u, ""
}

// idText is a MISP id as text: MISP writes ids as strings ("7"), some
// versions as numbers (7).
func idText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

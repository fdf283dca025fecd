package misp

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzDecodeTags: any /tags/search answer is read or refused, never a
// panic; every tag read has an id and a name, and the tags read, written
// as MISP writes them, are read again the same.
func FuzzDecodeTags(f *testing.F) {
	for _, s := range []string{
		`[{"Tag":{"id":"7","name":"tlp:red"}},{"Tag":{"id":12,"name":"x:y=\"z\""}}]`,
		`[]`, `{}`, `[{"Tag":{"id":"0","name":"a"}}]`, `[{"Tag":{"id":"1"}}]`, `[1]`, `null`,
	} {
		f.Add([]byte(s))
	}
	type row struct {
		Tag struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		tags, err := decodeTags(body)
		if err != nil {
			return
		}
		rows := make([]row, len(tags))
		for i, tag := range tags {
			if tag.ID <= 0 || tag.Name == "" {
				t.Fatalf("read a tag without an id or a name: %+v", tag)
			}
			if !utf8.ValidString(tag.Name) {
				return // encoding/json would write U+FFFD in its place
			}
			rows[i].Tag.ID, rows[i].Tag.Name = tag.ID, tag.Name
		}
		written, err := json.Marshal(rows)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeTags(written)
		if err != nil || !slices.Equal(again, tags) {
			t.Fatalf("%s read again as %+v (%v), first %+v", written, again, err, tags)
		}
	})
}

// FuzzDecodeUser: any /users/view/me answer is read or refused, never a
// panic; a user read has an id, and written with string ids as MISP
// writes them, is read again the same.
func FuzzDecodeUser(f *testing.F) {
	for _, s := range []string{
		`{"User":{"id":"7","org_id":"3","email":"soc@example.org"},"Role":{"id":"3"}}`,
		`{"User":{"id":12,"org_id":2,"email":"a@example.org"}}`, `{"User":{"id":" 0 "}}`, `[]`, `{"User":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		u, detail := decodeUser(body)
		if detail != "" {
			if u != (User{}) {
				t.Fatalf("refused (%s) yet gave %+v", detail, u)
			}
			return
		}
		if u.ID == "" || u.ID == "0" {
			t.Fatalf("read a user without an id: %+v", u)
		}
		var v struct {
			User struct {
				ID    string `json:"id"`
				OrgID string `json:"org_id"`
				Email string `json:"email"`
			}
		}
		v.User.ID, v.User.OrgID, v.User.Email = u.ID, u.OrgID, u.Email
		written, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if again, detail := decodeUser(written); again != u {
			t.Fatalf("%s read again as %+v (%s), first %+v", written, again, detail, u)
		}
	})
}

// FuzzServerClockDate: any Date header is taken or ignored, never a
// panic, and the start told is never later than the earliest Date taken.
func FuzzServerClockDate(f *testing.F) {
	for _, s := range []string{"Tue, 01 Dec 2026 06:00:00 GMT", "Tuesday, 01-Dec-26 06:00:00 GMT", "Tue Dec  1 06:00:00 2026", "", "yesterday",
		"Mon, 01 Jan 0001 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, date string) {
		c := NewServerClock()
		c.note(http.Header{"Date": {date}})
		parsed, err := http.ParseTime(date)
		start := c.Start()
		switch {
		case err != nil && !start.IsZero():
			t.Fatalf("Date %q, not a date, gave start %v", date, start)
		case err == nil && start.After(parsed):
			t.Fatalf("Date %q gave start %v, later than it", date, start)
		case err == nil && !start.IsZero() && parsed.Sub(start) > time.Hour:
			t.Fatalf("Date %q gave start %v, an hour before it", date, start)
		}
	})
}

package misp_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/misp"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// TestMe: Me reads User.id, User.org_id and User.email of the key's
// user, from the emulator's MISP answer and from one with numeric ids;
// an answer without an id, and MISP refusing the key, are errors.
func TestMe(t *testing.T) {
	sim := misptest.New(t, mispsim.Options{Users: []mispsim.User{{Key: "rotated", ID: 7, OrgID: 3, Email: "soc@example.org"}}})
	simURL := misptest.Serve(t, sim)
	answer := func(body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(body)) }))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	for _, tc := range []struct {
		name, url, key string
		want           misp.User
		kind           misp.Kind
	}{
		{"the demo key", simURL, mispsim.DefaultKey, misp.User{ID: "1", OrgID: "1", Email: "cratos-demo@example.org"}, 0},
		{"another key", simURL, "rotated", misp.User{ID: "7", OrgID: "3", Email: "soc@example.org"}, 0},
		{"numeric ids", answer(`{"User":{"id":12,"org_id":2,"email":"a@example.org"}}`), "k", misp.User{ID: "12", OrgID: "2", Email: "a@example.org"}, 0},
		{"no id", answer(`{"User":{"email":"a@example.org"}}`), "k", misp.User{}, misp.BadResponse},
		{"a list", answer(`[]`), "k", misp.User{}, misp.BadResponse},
		{"unknown key", simURL, "nobody's key", misp.User{}, misp.AuthFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := misp.New(misp.Options{Site: "misp.example", BaseURL: tc.url, Key: tc.key}).Me(context.Background())
			var me *misp.Error
			if tc.kind == 0 && err != nil || tc.kind != 0 && (!errors.As(err, &me) || me.Kind != tc.kind) || u != tc.want {
				t.Errorf("got %+v, %v; want %+v, kind %d", u, err, tc.want, tc.kind)
			}
		})
	}
}

package server

import (
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/cratos-project/cratos/core/export"
)

// The Age of a held list counts from the hold's last MISP read, not from
// the older last good list it serves: a HIT sent with an Age past its
// max-age is stale on arrival for any HTTP cache.
func TestSetAgeOfAHeldList(t *testing.T) {
	now := time.Date(2026, 5, 3, 10, 0, 30, 0, time.UTC)
	good := &export.Artifact{Fetched: now.Add(-48*time.Hour - 30*time.Second)}
	for _, tc := range []struct {
		name string
		res  export.Result
		want string
	}{
		{"list", export.Result{Artifact: good}, "172830"},
		{"held list", export.Result{Artifact: good, Held: &export.Hold{Read: now.Add(-30 * time.Second)}}, "30"},
		{"hold read before the list", export.Result{Artifact: good, Held: &export.Hold{Read: good.Fetched.Add(-time.Hour)}}, "172830"},
	} {
		var h fasthttp.ResponseHeader
		setAge(&h, tc.res, now)
		if got := string(h.Peek("Age")); got != tc.want {
			t.Errorf("%s: Age %q, want %q", tc.name, got, tc.want)
		}
	}
}

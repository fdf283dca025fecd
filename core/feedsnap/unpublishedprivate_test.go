package feedsnap_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/feedsnap"
)

// keyOfPartner is the key of a user of organisation 2; Cratos reads with
// the key of organisation 1.
const keyOfPartner = "key-of-partner"

// postAs sends one write to the emulator with the given key and fails
// the test unless it is answered 200.
func postAs(t *testing.T, w *world, key, path string, body any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(b))
	req.Header.Set("Authorization", key)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	w.sim.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
	}
}

// Under MISP.unpublishedprivate an event of another organisation is seen
// only while published, and publishing it again moves only
// publish_timestamp: a refresh of a feed that takes unpublished events
// puts its attributes back on the lists, as a full read does, whether the
// feed held it before or never did, and whatever was written to it while
// it was hidden.
func TestRefreshSeesAnotherOrganisationsEventPublishedAgain(t *testing.T) {
	ctx := context.Background()
	q := feedQueries["incident"]
	attrs := []map[string]any{
		{"type": "ip-dst", "value": "192.0.2.1", "to_ids": true, "category": "Network activity"},
		{"type": "domain", "value": "bad.example", "to_ids": true, "category": "Network activity"},
	}
	both := []string{"2 domain bad.example true", "2 ip-dst 192.0.2.1 true"}
	tests := []struct {
		name      string
		published bool // the event is published when added
		// hidden runs while the event is unpublished, before a refresh.
		hidden func(t *testing.T, w *world)
		want   []string
	}{
		{"held, unpublished and published again", true, nil, both},
		{"never held", false, nil, both},
		{"an attribute added while hidden", true, func(t *testing.T, w *world) {
			postAs(t, w, keyOfPartner, "/attributes/add/2",
				map[string]any{"type": "url", "value": "http://bad.example/x", "to_ids": true, "category": "Network activity"})
		}, append(slices.Clone(both), "2 url http://bad.example/x true")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorldWith(t, 1, mispsim.Options{UnpublishedPrivate: true,
				Users: []mispsim.User{{Key: keyOfPartner, ID: 2, OrgID: 2, Email: "partner@example.net"}}})
			postAs(t, w, keyOfPartner, "/events/add", map[string]any{"info": "partner", "published": tt.published,
				"Tag": []map[string]string{{"name": tagIncident}}, "Attribute": attrs})
			w.clock.Add(3600)
			snap, _, err := feedsnap.Full(ctx, w.src, q, w.now())
			if err != nil {
				t.Fatal(err)
			}
			if tt.published {
				w.clock.Add(3600)
				postAs(t, w, keyOfPartner, "/events/unpublish/2", nil)
				w.clock.Add(60)
				if snap, _, err = feedsnap.Refresh(ctx, w.src, q, snap, w.now(), feedsnap.DefaultMargin); err != nil {
					t.Fatal(err)
				}
				if got := heldBy(snap); len(got) != 0 {
					t.Fatalf("refresh while unpublished holds %q, want nothing", got)
				}
			}
			if tt.hidden != nil {
				tt.hidden(t, w)
				w.clock.Add(60)
				if snap, _, err = feedsnap.Refresh(ctx, w.src, q, snap, w.now(), feedsnap.DefaultMargin); err != nil {
					t.Fatal(err)
				}
			}
			w.clock.Add(3600) // every write falls before the next window
			postAs(t, w, keyOfPartner, "/events/publish/2", nil)
			w.clock.Add(60)
			for round := range 2 {
				if snap, _, err = feedsnap.Refresh(ctx, w.src, q, snap, w.now(), feedsnap.DefaultMargin); err != nil {
					t.Fatal(err)
				}
				full, _, err := feedsnap.Full(ctx, w.src, q, w.now())
				if err != nil {
					t.Fatal(err)
				}
				if got, fromFull := heldBy(snap), heldBy(full); !slices.Equal(got, tt.want) || !slices.Equal(fromFull, tt.want) {
					t.Errorf("refresh %d after publishing holds %q, a full read %q; want %q", round+1, got, fromFull, tt.want)
				}
				w.clock.Add(600)
			}
		})
	}
}

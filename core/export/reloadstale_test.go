package export

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/state"
)

// A reload (or a restart) that changes a setting in a list's cache key
// gives the list a new key, with no last good list of its own. When its
// first build fails (MISP down), it is served STALE with the error, as
// under the same key: a device is not failed because of MISP right after
// a routine reload. A setting applied after MISP's answer (the guard, a
// renderer option) leaves the feed snapshot last read in use: the list is
// built from it under the new settings. Otherwise (another query, a
// restart) the list last served at its URL, built under the former
// settings, is served. Once MISP answers, the list is built under the new
// settings.
func TestStaleListAfterSettingsChange(t *testing.T) {
	neverBlock := func(r *Request) { *r = withNeverBlock(*r) }
	lineEnding := func(r *Request) {
		site := *r.Site
		site.Renderers = map[string]map[string]string{"txt": {"line_ending": "crlf"}}
		r.Site = &site
	}
	tag := func(r *Request) { *r = withTag(*r) }
	for _, tc := range []struct {
		name    string
		setup   func(r *Request)
		change  func(r *Request)
		restart bool // the change is read by a new process over the same state_dir
		// rebuilt: the STALE list is built from the last feed snapshot,
		// else it is the list served before the change.
		rebuilt bool
	}{
		{"guard never_block added", func(*Request) {}, neverBlock, false, true},
		{"renderer option changed", func(*Request) {}, lineEnding, false, true},
		{"tag changed", func(*Request) {}, tag, false, false},
		{"package", func(r *Request) { r.Package = PackageTarGz }, lineEnding, false, true},
		{"vendor route", func(r *Request) { r.Kind, r.Vendor = KindVendor, "paloalto" }, neverBlock, false, true},
		{"restart with state_dir", func(*Request) {}, lineEnding, true, false},
		{"restart with state_dir, package", func(r *Request) { r.Package = PackageTarGz }, lineEnding, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			misp := newGatedMISP(t)
			dir := t.TempDir()
			open := func() Options { return stateOptions(t, dir) }
			rig := newSWRRig(t, misp, open())
			t.Cleanup(rig.svc.WaitDurable)
			tc.setup(&rig.req)
			good := rig.get(t, Miss)
			before := rig.svc.listKeys(rig.req).artifact
			tc.change(&rig.req)
			if rig.svc.listKeys(rig.req).artifact == before {
				t.Fatal("the change left the artifact key as it was")
			}
			if tc.restart {
				rig.svc.WaitDurable()
				req := rig.req
				rig = newSWRRig(t, misp, open())
				t.Cleanup(rig.svc.WaitDurable)
				rig.req = req
			}

			misp.fail.Store(true)
			rig.clock.advance(time.Hour)
			for _, step := range []string{"first request", "second request"} {
				res, err := rig.svc.Get(t.Context(), rig.req)
				if err != nil {
					t.Fatalf("%s with MISP down after the change: %v (want the list last served at the URL, STALE)", step, err)
				}
				if tc.rebuilt && res.Status == Stale && res.Upstream != nil && res.Fetched.Equal(good.Fetched) {
					continue
				}
				if tc.rebuilt || res.Status != Stale || res.Upstream == nil || res.ETag != good.ETag || !bytes.Equal(res.Body, good.Body) {
					t.Fatalf("%s: status %s, upstream %v, ETag %s; want STALE with the error and ETag %s",
						step, res.Status, res.Upstream, res.ETag, good.ETag)
				}
			}

			misp.fail.Store(false)
			rig.clock.advance(48 * time.Hour)
			res := rig.get(t, Miss)
			if res.Held != nil {
				t.Fatalf("list built once MISP answers is held: %+v", res.Held)
			}
			if !res.Generated.After(good.Generated) {
				t.Fatalf("list built under the new settings dated %s, not after the one served before (%s)", res.Generated, good.Generated)
			}
		})
	}
}

// stateOptions returns Options with a state directory opened at dir, as
// a service started again on the same disk has.
func stateOptions(t *testing.T, dir string) Options {
	t.Helper()
	d, err := state.Open(dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return Options{State: d}
}

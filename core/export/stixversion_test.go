package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/export"
	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/renderers/stix21"
)

// stixRig is a MISP holding the value 100.128.0.1 in two events, its
// newest attribute (102) an hour old, and a service serving the value's
// block list as a STIX bundle over a state directory that outlives it.
type stixRig struct {
	t       *testing.T
	e       *emulated
	dir     *state.Dir
	now     int64
	req     export.Request
	id      string
	svc     *export.Service
	options export.Options // those of every service: state and reconciliation set
}

func newStixRig(t *testing.T, opts export.Options) *stixRig {
	e := newEmulated(t, 0, 1000)
	now := e.now().Unix()
	block := []string{"cratos:incident-classification=block"}
	for i, ts := range []int64{now - 7200, now - 3600} {
		if _, err := e.sim.AddEvent(mispsim.Event{Info: "e", Published: true, Tags: block, Attributes: []mispsim.Attribute{
			{ID: int64(101 + i), Type: "ip-dst", Value: "100.128.0.1", ToIDS: true, Timestamp: ts},
			{ID: int64(201 + i), Type: "ip-dst", Value: fmt.Sprintf("100.128.0.%d", 2+i), ToIDS: true, Timestamp: ts}}}); err != nil {
			t.Fatal(err)
		}
	}
	dir, err := state.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	opts.State, opts.ReconcileEvery = dir, time.Hour
	ipv4, _ := indicator.LookupDataType("ipv4")
	r := &stixRig{t: t, e: e, dir: dir, now: now, options: opts,
		req: export.Request{Site: e.site, MISPURL: e.url, MISPKey: mispsim.DefaultKey, Kind: export.KindFeed, Feed: "block",
			DataType: ipv4, Age: "1y", Output: "stix21", TTL: time.Minute, WaitFresh: true},
		id: stix21.IndicatorID(indicator.Indicator{Type: indicator.IPv4, Value: "100.128.0.1"})}
	r.restart(nil)
	return r
}

// restart waits for the service's writes and starts another on the
// same state directory, with the rig's options as change (if not nil)
// leaves them.
func (r *stixRig) restart(change func(*export.Options)) {
	if r.svc != nil {
		r.svc.WaitDurable()
	}
	opts := r.options
	if change != nil {
		change(&opts)
	}
	r.svc = r.e.service(opts)
	r.t.Cleanup(r.svc.WaitDurable)
}

// get returns the bundle served now.
func (r *stixRig) get() []byte {
	r.t.Helper()
	res, err := r.svc.Get(context.Background(), r.req)
	if err != nil {
		r.t.Fatal(err)
	}
	return res.Body
}

// newestAttribute is the modified time the value's newest attribute gives.
func (r *stixRig) newestAttribute() string {
	return time.Unix(r.now-3600, 0).UTC().Format("2006-01-02T15:04:05.000Z")
}

// deleteNewest deletes the value's newest attribute two minutes on, and
// two minutes later serves the bundle, which must give the value's id a
// modified time later than that attribute's; it returns the bundle.
func (r *stixRig) deleteNewest() []byte {
	r.t.Helper()
	r.e.clock.Add(120)
	mispCall(r.t, r.e, "/attributes/delete/102", map[string]any{})
	r.e.clock.Add(120)
	served := r.get()
	if m := modifiedOf(r.t, served, r.id); m <= r.newestAttribute() {
		r.t.Fatalf("modified %s after the newest attribute (%s) was deleted:\n%s", m, r.newestAttribute(), served)
	}
	return served
}

// A STIX bundle names an indicator by its value and versions it by the
// timestamp of the attribute behind it. When the newest of two
// attributes of one value is deleted, the next bundle still gives that
// id a later modified time than the one served (a TIP that keeps the
// latest version of an id ignores an older one), also after a restart,
// from the last good list on disk; a rebuild of the same content gives
// the same bytes.
func TestBundleModifiedNeverGoesBack(t *testing.T) {
	for _, restart := range []bool{false, true} {
		t.Run(fmt.Sprintf("restart=%v", restart), func(t *testing.T) {
			r := newStixRig(t, export.Options{})
			if before := modifiedOf(t, r.get(), r.id); before != r.newestAttribute() {
				t.Fatalf("first modified %s, want %s (the newest attribute's)", before, r.newestAttribute())
			}
			r.e.clock.Add(120)
			mispCall(t, r.e, "/attributes/delete/102", map[string]any{})
			if restart {
				r.restart(nil)
			}
			r.e.clock.Add(120)
			changed := r.get()
			if after := modifiedOf(t, changed, r.id); after <= r.newestAttribute() {
				t.Fatalf("modified %s after the newest attribute was deleted, not later than %s:\n%s", after, r.newestAttribute(), changed)
			}
			r.e.clock.Add(120)
			if again := r.get(); !bytes.Equal(again, changed) {
				t.Fatalf("rebuild of the same content:\n%s\nwant\n%s", again, changed)
			}
		})
	}
}

// modifiedOf returns the modified time of the object id in a bundle.
func modifiedOf(t *testing.T, bundle []byte, id string) string {
	t.Helper()
	var b struct {
		Objects []struct{ ID, Modified string }
	}
	if err := json.Unmarshal(bundle, &b); err != nil {
		t.Fatalf("bundle: %v\n%s", err, bundle)
	}
	for _, o := range b.Objects {
		if o.ID == id {
			return o.Modified
		}
	}
	t.Fatalf("no %s in\n%s", id, bundle)
	return ""
}

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
			newService := func() *export.Service {
				svc := e.service(export.Options{State: dir, ReconcileEvery: time.Hour})
				t.Cleanup(svc.WaitDurable)
				return svc
			}
			svc := newService()
			ipv4, _ := indicator.LookupDataType("ipv4")
			req := export.Request{Site: e.site, MISPURL: e.url, MISPKey: mispsim.DefaultKey, Kind: export.KindFeed, Feed: "block",
				DataType: ipv4, Age: "1y", Output: "stix21", TTL: time.Minute, WaitFresh: true}
			get := func() []byte {
				t.Helper()
				res, err := svc.Get(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				return res.Body
			}
			id := stix21.IndicatorID(indicator.Indicator{Type: indicator.IPv4, Value: "100.128.0.1"})
			before := modifiedOf(t, get(), id)
			if want := time.Unix(now-3600, 0).UTC().Format("2006-01-02T15:04:05.000Z"); before != want {
				t.Fatalf("first modified %s, want %s (the newest attribute's)", before, want)
			}

			e.clock.Add(120)
			mispCall(t, e, "/attributes/delete/102", map[string]any{})
			if restart {
				svc.WaitDurable()
				svc = newService()
			}
			e.clock.Add(120)
			changed := get()
			if after := modifiedOf(t, changed, id); after <= before {
				t.Fatalf("modified %s after the newest attribute was deleted, not later than %s:\n%s", after, before, changed)
			}
			e.clock.Add(120)
			if again := get(); !bytes.Equal(again, changed) {
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

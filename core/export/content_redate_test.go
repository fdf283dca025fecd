package export

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/state"
	"github.com/cratos-project/cratos/renderers"
)

// versionedRenderer writes each value after a prefix that stands for its
// version: an upgrade changes the bytes of a list whose values did not.
type versionedRenderer struct{ prefix atomic.Pointer[string] }

func newVersionedRenderer(prefix string) *versionedRenderer {
	r := &versionedRenderer{}
	r.prefix.Store(&prefix)
	return r
}

func (r *versionedRenderer) Info() renderers.Info {
	return renderers.Info{Name: "versioned", Description: "values after a version prefix", ContentType: "text/plain; charset=utf-8", Extension: ".txt",
		Types: indicator.AllTypes(), Reads: renderers.FieldValue}
}

func (r *versionedRenderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	if _, err := fmt.Fprintf(w, "# %s serial %d\n", req.Generated.UTC().Format(time.RFC3339), req.Serial); err != nil {
		return err
	}
	for x := range in {
		if _, err := fmt.Fprintf(w, "%s%s\n", *r.prefix.Load(), x.Value); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// A rebuild whose bytes differ from the last good list while its values
// do not (a renderer that changed with an upgrade, a plugin replaced)
// gets a new date and zone serial: under the old date, a client asking
// If-Modified-Since with it got 304 and kept the old bytes. A rebuild
// with the same bytes keeps its date. Both hold after a restart, where
// the last good list and its date come from the state directory.
func TestChangedBytesOfUnchangedValuesGetANewDate(t *testing.T) {
	for _, restart := range []bool{false, true} {
		t.Run(fmt.Sprintf("restart=%v", restart), func(t *testing.T) {
			mispSrv := newGatedMISP(t)
			clock := &fakeClock{now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
			dir, err := state.Open(t.TempDir(), nil)
			if err != nil {
				t.Fatal(err)
			}
			rd := newVersionedRenderer("v1 ")
			newService := func() *Service {
				opts := inMemory(Options{Now: clock.Now, State: dir}, "redate test")
				opts.Renderers = opts.Renderers.Clone()
				if err := opts.Renderers.Add(rd); err != nil {
					t.Fatal(err)
				}
				svc := New(opts)
				t.Cleanup(svc.WaitDurable)
				return svc
			}
			svc := newService()
			req := anyFeedRequest(mispSrv.url, "ipv4", "10y", "versioned", 100*time.Second)
			req.WaitFresh = true
			get := func() Result {
				t.Helper()
				res, err := svc.Get(context.Background(), req)
				if err != nil || res.Status != Miss {
					t.Fatalf("get: %s %v, want a MISS", res.Status, err)
				}
				return res
			}
			first := get()
			clock.advance(req.TTL + time.Minute)
			same := get()
			if !bytes.Equal(same.Body, first.Body) || !same.Generated.Equal(first.Generated) {
				t.Fatalf("rebuild of the same bytes dated %v, want %v", same.Generated, first.Generated)
			}
			if restart {
				svc.WaitDurable()
				svc = newService()
			}
			rd.prefix.Store(new(string)) // the renderer changed: no prefix
			clock.advance(req.TTL + time.Minute)
			changed := get()
			if bytes.Equal(changed.Body, first.Body) {
				t.Fatal("the changed renderer wrote the same bytes")
			}
			if !changed.Generated.After(first.Generated) {
				t.Fatalf("changed bytes dated %v, the date of the bytes they replace (%v)", changed.Generated, first.Generated)
			}
			if changed.ETag != ETagOf(changed.Body) || !bytes.HasPrefix(changed.Body, []byte("# "+changed.Generated.UTC().Format(time.RFC3339))) {
				t.Fatalf("the list is not rendered under its date %v: %.80q", changed.Generated, changed.Body)
			}
			clock.advance(req.TTL + time.Minute)
			again := get()
			if !bytes.Equal(again.Body, changed.Body) || !again.Generated.Equal(changed.Generated) {
				t.Fatalf("rebuild of the same bytes dated %v, want %v", again.Generated, changed.Generated)
			}
		})
	}
}

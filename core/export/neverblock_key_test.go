package export

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache/memcachedtest"
	"github.com/cratos-project/cratos/core/config"
)

// config.yaml's never_block takes effect at the restart that reads it: a
// list built under other rules, still in memcached or on disk, is not
// served. Before, the restarted process took the list from memcached and
// served the value just put on never_block for the list's lifetime, and
// for as long as MISP failed.
func TestNeverBlockChangeGivesNewKeys(t *testing.T) {
	addr, _ := memcachedtest.Start(t)
	gm := newGatedMISP(t)
	req := leaseRequest(gm, "txt", time.Hour)
	before := newReplica(t, addr)
	first, err := before.svc.Get(context.Background(), req)
	if err != nil || first.Status != Miss {
		t.Fatalf("first build: %s %v", first.Status, err)
	}
	value, _, _ := bytes.Cut(first.Body, []byte("\r\n"))
	if len(value) == 0 {
		t.Fatalf("empty list: %q", first.Body)
	}
	rules := config.NeverBlock{CIDRs: []string{string(value)}}
	after := newReplica(t, addr, func(o *Options) { o.NeverBlock = rules })
	res, err := after.svc.Get(context.Background(), req)
	if err != nil {
		t.Fatalf("after the change: %v", err)
	}
	if bytes.Contains(res.Body, append(append([]byte(nil), value...), '\r', '\n')) {
		t.Fatalf("%s list carries %s, which never_block now names", res.Status, value)
	}
	if res.Status != Miss || res.Entries != first.Entries-1 {
		t.Fatalf("after the change: %s with %d entries, want a MISS with %d", res.Status, res.Entries, first.Entries-1)
	}
	// Unchanged rules keep the keys: a restart takes the shared list.
	same := newReplica(t, addr)
	if res, err := same.svc.Get(context.Background(), req); err != nil || res.Status != Hit || res.ETag != first.ETag {
		t.Fatalf("restart with the same rules: %s %s %v, want the shared list %s", res.Status, res.ETag, err, first.ETag)
	}
}

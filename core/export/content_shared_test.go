package export

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache/memcachedtest"
	_ "github.com/cratos-project/cratos/renderers/rpz"
)

// A replica rendering a list for the first time, its content unchanged
// since another replica rendered it, serves the same bytes, date and zone
// serial: the content state is shared with the list.
func TestReplicasShareContentDates(t *testing.T) {
	addr, _ := memcachedtest.Start(t)
	misp := newGatedMISP(t)
	one, two := newReplica(t, addr), newReplica(t, addr)
	req := leaseRequest(misp, "rpz", 2*time.Second)
	first, err := one.svc.Get(context.Background(), req)
	if err != nil || first.Status != Miss {
		t.Fatalf("first: %v %v", first.Status, err)
	}
	for expired := first.Fetched.Add(req.TTL + 2*time.Second); time.Now().Before(expired); {
		time.Sleep(50 * time.Millisecond)
	}
	again, err := two.svc.Get(context.Background(), req)
	if err != nil || again.Status != Miss || !again.Fetched.After(first.Fetched) {
		t.Fatalf("rebuilt on the other replica: %v %v, fetched %v (first %v)", again.Status, err, again.Fetched, first.Fetched)
	}
	if !bytes.Equal(again.Body, first.Body) || again.ETag != first.ETag || !again.Generated.Equal(first.Generated) {
		t.Fatalf("unchanged content rebuilt on another replica: generated %v (first %v), ETag %s (first %s)\n%.300s\n---\n%.300s",
			again.Generated, first.Generated, again.ETag, first.ETag, again.Body, first.Body)
	}
}

func TestSharedContentCodec(t *testing.T) {
	c := sharedContent{since: time.Unix(1700000000, 5).UTC(), serial: 1700000001}
	c.digest[0], c.digest[31] = 1, 2
	enc := encodeContent(c)
	if got, ok := decodeContent(enc); !ok || got != c {
		t.Fatalf("round trip: %+v %v, want %+v", got, ok, c)
	}
	zeroSerial := encodeContent(sharedContent{since: c.since})
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"truncated", enc[:len(enc)-1]},
		{"longer", append(bytes.Clone(enc), 0)},
		{"other magic", append([]byte("XXXX"), enc[4:]...)},
		{"zero serial", zeroSerial},
	}
	for _, tc := range tests {
		if _, ok := decodeContent(tc.b); ok {
			t.Errorf("%s: decoded", tc.name)
		}
	}
}

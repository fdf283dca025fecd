package cache

import (
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

func TestTierDropLocal(t *testing.T) {
	clock := testtool.NewClock(time.Unix(1_700_000_000, 0))
	tier := newTestTier(nil, clock, 100)
	until := clock.Now().Add(time.Hour)
	for _, k := range []string{"ns:a:1:x|list", "ns:a:1:x|snap", "ns:a:1:xy|list", "ns:b:1:x|list"} {
		tier.Keep(k, "v", until, until)
	}
	tier.SetLastGood("ns:a:1:x|list", "good")
	if n := tier.DropLocal("ns:a:1:x|"); n != 2 {
		t.Fatalf("dropped %d copies, want 2", n)
	}
	for k, want := range map[string]bool{"ns:a:1:x|list": false, "ns:a:1:x|snap": false, "ns:a:1:xy|list": true, "ns:b:1:x|list": true} {
		if _, _, ok := tier.Peek(k); ok != want {
			t.Errorf("%s kept %v, want %v", k, ok, want)
		}
	}
	if b := tier.Bytes(); b.Local != 2 {
		t.Errorf("local copies charged %d after the drop, want 2", b.Local)
	}
	if v, ok := tier.LastGood("ns:a:1:x|list"); !ok || v != "good" {
		t.Errorf("last good copy %q %v after the drop, want it kept", v, ok)
	}
}

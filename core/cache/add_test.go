package cache

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"
)

func TestMemcachedAdd(t *testing.T) {
	m, _, _ := newTestMemcached(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		key     string
		value   []byte
		added   bool
		wantErr bool
		read    []byte // the value Get reads afterwards
	}{
		{"absent key", "k", []byte("first"), true, false, []byte("first")},
		{"present key", "k", []byte("second"), false, false, []byte("first")},
		{"empty value", "empty", []byte{}, true, false, []byte{}},
		{"too large for one item", "big", make([]byte, m.chunkSize), false, true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			added, err := m.Add(ctx, tc.key, tc.value, time.Minute)
			if added != tc.added || (err != nil) != tc.wantErr {
				t.Fatalf("Add = %v, %v; want %v, error %v", added, err, tc.added, tc.wantErr)
			}
			got, exp, ok, err := m.GetWithExpiry(ctx, tc.key)
			if err != nil || ok != (tc.read != nil) || !bytes.Equal(got, tc.read) {
				t.Fatalf("Get = %q, %v, %v; want %q", got, ok, err, tc.read)
			}
			if ok && time.Until(exp) < 50*time.Second {
				t.Errorf("expiry %v, want about a minute from now", exp)
			}
		})
	}
}

// Processes using a group for the first time at once agree on its
// generation, so they share its keys from the start.
func TestNamespaceFirstUseRace(t *testing.T) {
	m, addr, _ := newTestMemcached(t)
	for round := range 5 {
		group := "site/feed/" + string(rune('a'+round))
		keys := make([]string, 8)
		var wg sync.WaitGroup
		for i := range keys {
			mc := m
			if i > 0 {
				mc = dial(t, addr)
			}
			ns := NewNamespace(mc, time.Minute)
			wg.Go(func() { keys[i] = ns.Key(context.Background(), group, "list") })
		}
		wg.Wait()
		for i, k := range keys {
			if k != keys[0] {
				t.Fatalf("round %d: process %d uses key %q, process 0 %q", round, i, k, keys[0])
			}
		}
	}
}

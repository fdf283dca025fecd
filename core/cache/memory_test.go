package cache

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// entrySize is what Memory charges for key and value.
func entrySize(key string, value []byte) int64 { return int64(len(key)+len(value)) + entryOverhead }

func TestMemoryLRUEvictionByBytes(t *testing.T) {
	ctx := context.Background()
	val := []byte(strings.Repeat("v", 100))
	one := entrySize("k1", val)

	// set stores val under each key in turn.
	set := func(m *Memory, keys ...string) {
		for _, k := range keys {
			_ = m.Set(ctx, k, val, 0)
		}
	}

	tests := []struct {
		name      string
		budget    int64
		ops       func(m *Memory)
		present   []string
		absent    []string
		evictions uint64
	}{
		{
			name:    "oldest goes first",
			budget:  3 * one,
			ops:     func(m *Memory) { set(m, "k1", "k2", "k3", "k4") },
			present: []string{"k2", "k3", "k4"}, absent: []string{"k1"}, evictions: 1,
		},
		{
			name:   "get refreshes recency",
			budget: 3 * one,
			ops: func(m *Memory) {
				set(m, "k1", "k2", "k3")
				_, _, _ = m.Get(ctx, "k1")
				set(m, "k4")
			},
			present: []string{"k1", "k3", "k4"}, absent: []string{"k2"}, evictions: 1,
		},
		{
			name:   "a large value evicts several",
			budget: 3 * one,
			ops: func(m *Memory) {
				set(m, "k1", "k2", "k3")
				_ = m.Set(ctx, "k9", make([]byte, 2*len(val)+entryOverhead), 0)
			},
			present: []string{"k3", "k9"}, absent: []string{"k1", "k2"}, evictions: 2,
		},
		{
			name:   "a value above the budget is not stored and drops the old one",
			budget: 3 * one,
			ops: func(m *Memory) {
				set(m, "k1", "k2")
				_ = m.Set(ctx, "k1", make([]byte, 4*one), 0)
			},
			present: []string{"k2"}, absent: []string{"k1"},
		},
		{
			name:   "replacing a key recharges its size",
			budget: 3 * one,
			ops: func(m *Memory) {
				for range 10 {
					set(m, "k1")
				}
				set(m, "k2", "k3")
			},
			present: []string{"k1", "k2", "k3"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMemory(tc.budget)
			tc.ops(m)
			for _, k := range tc.present {
				if _, ok, _ := m.Get(ctx, k); !ok {
					t.Errorf("%s evicted, want present", k)
				}
			}
			for _, k := range tc.absent {
				if _, ok, _ := m.Get(ctx, k); ok {
					t.Errorf("%s present, want evicted", k)
				}
			}
			st := m.Stats()
			if st.Evictions != tc.evictions {
				t.Errorf("evictions = %d, want %d", st.Evictions, tc.evictions)
			}
			if st.Bytes > st.MaxBytes {
				t.Errorf("bytes %d above budget %d", st.Bytes, st.MaxBytes)
			}
			if st.Entries != len(tc.present) {
				t.Errorf("entries = %d, want %d", st.Entries, len(tc.present))
			}
		})
	}
}

func TestMemoryTTL(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(1 << 20)
	_ = m.Set(ctx, "short", []byte("a"), 30*time.Millisecond)
	_ = m.Set(ctx, "forever", []byte("b"), 0)
	_ = m.Set(ctx, "negative", []byte("c"), -time.Second)

	v, exp, ok, _ := m.GetWithExpiry(ctx, "short")
	if !ok || string(v) != "a" || time.Until(exp) <= 0 || time.Until(exp) > 30*time.Millisecond {
		t.Fatalf("short before expiry = %q %v %v", v, ok, time.Until(exp))
	}
	time.Sleep(50 * time.Millisecond)
	if _, ok, _ := m.Get(ctx, "short"); ok {
		t.Error("short still present after its TTL")
	}
	for _, k := range []string{"forever", "negative"} {
		if _, exp, ok, _ := m.GetWithExpiry(ctx, k); !ok || !exp.IsZero() {
			t.Errorf("%s: ok=%v expiry=%v, want present without expiry", k, ok, exp)
		}
	}
	st := m.Stats()
	if st.Expired != 1 || st.Entries != 2 {
		t.Errorf("stats = %+v, want 1 expired and 2 entries", st)
	}
}

func TestMemoryStatsAndDelete(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(0)
	if got := m.Stats().MaxBytes; got != DefaultMemoryBytes {
		t.Errorf("default budget = %d, want %d", got, DefaultMemoryBytes)
	}
	_ = m.Set(ctx, "k", []byte("value"), time.Minute)
	_, _, _ = m.Get(ctx, "k")
	_, _, _ = m.Get(ctx, "k")
	_, _, _ = m.Get(ctx, "missing")
	if err := m.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if err := m.Delete(ctx, "k"); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
	_, _, _ = m.Get(ctx, "k")
	want := MemoryStats{Hits: 2, Misses: 2, MaxBytes: DefaultMemoryBytes}
	if got := m.Stats(); got != want {
		t.Errorf("stats = %+v, want %+v", got, want)
	}
}

func TestMemorySetCopiesValue(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(1 << 10)
	b := []byte("abc")
	_ = m.Set(ctx, "k", b, 0)
	b[0] = 'x'
	if v, _, _ := m.Get(ctx, "k"); string(v) != "abc" {
		t.Errorf("stored value changed with the caller's slice: %q", v)
	}
}

func TestMemoryConcurrent(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(64 << 10)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				k := fmt.Sprintf("k%d", (i*7+g)%300)
				if i%3 == 0 {
					_ = m.Set(ctx, k, make([]byte, 200+i%500), time.Minute)
				} else if v, ok, _ := m.Get(ctx, k); ok && len(v) < 200 {
					t.Errorf("short value %d", len(v))
				}
			}
		})
	}
	wg.Wait()
	if st := m.Stats(); st.Bytes > st.MaxBytes || st.Evictions == 0 {
		t.Errorf("stats after load = %+v", st)
	}
}

// benchKeys returns 1024 keys shaped like the service's.
func benchKeys() []string {
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = fmt.Sprintf("site/feed/%d", i)
	}
	return keys
}

func BenchmarkMemoryGet(b *testing.B) {
	ctx := context.Background()
	m := NewMemory(256 << 20)
	keys := benchKeys()
	for _, k := range keys {
		_ = m.Set(ctx, k, make([]byte, 10<<10), time.Hour)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, ok, _ := m.Get(ctx, keys[i%len(keys)]); !ok {
				b.Fatal("miss")
			}
			i++
		}
	})
}

func BenchmarkMemorySet(b *testing.B) {
	ctx := context.Background()
	m := NewMemory(64 << 20)
	keys := benchKeys()
	val := make([]byte, 10<<10)
	b.ReportAllocs()
	b.SetBytes(int64(len(val)))
	i := 0
	for b.Loop() {
		_ = m.Set(ctx, keys[i%len(keys)], val, time.Hour)
		i++
	}
}

package cache

import "testing"

func TestMemo(t *testing.T) {
	m := NewMemo[int, string](3)
	for i := range 3 {
		m.Put(i, "v")
	}
	m.Put(2, "again") // replacing a key does not empty a full memo
	if v, ok := m.Get(2); !ok || v != "again" || m.Len() != 3 {
		t.Fatalf("after replacing: %q %v, %d entries", v, ok, m.Len())
	}
	m.Put(3, "new") // a new key empties a full memo first
	if _, ok := m.Get(0); ok || m.Len() != 1 {
		t.Fatalf("after the bound: %d entries, 0 still held %v", m.Len(), ok)
	}
	calls := 0
	for range 2 {
		if v := m.GetOrPut(7, func() string { calls++; return "seven" }); v != "seven" {
			t.Fatalf("GetOrPut = %q", v)
		}
	}
	if calls != 1 {
		t.Errorf("make called %d times, want 1", calls)
	}
	for i := range 100 {
		m.Put(100+i, "x")
		if m.Len() > 3 {
			t.Fatalf("%d entries, bound 3", m.Len())
		}
	}
}

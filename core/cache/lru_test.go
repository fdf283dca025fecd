package cache

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cratos-project/cratos/internal/testtool"
)

func keysOf[V any](c *LRU[string, V]) []string {
	var out []string
	for k := range c.All() {
		out = append(out, k)
	}
	return out
}

func TestLRUBudgets(t *testing.T) {
	byLen := func(k string, v string) int64 { return int64(len(v)) }
	tests := []struct {
		name     string
		opts     LRUOptions[string, string]
		sets     [][2]string
		touch    string // read after the sets but the last one
		want     []string
		rejected uint64
	}{
		{name: "items: oldest goes", opts: LRUOptions[string, string]{MaxItems: 2},
			sets: [][2]string{{"a", "1"}, {"b", "2"}, {"c", "3"}}, want: []string{"c", "b"}},
		{name: "items: a read keeps an entry", opts: LRUOptions[string, string]{MaxItems: 2},
			sets: [][2]string{{"a", "1"}, {"b", "2"}, {"c", "3"}}, touch: "a", want: []string{"c", "a"}},
		{name: "bytes: a large value evicts several", opts: LRUOptions[string, string]{MaxBytes: 6, SizeOf: byLen},
			sets: [][2]string{{"a", "11"}, {"b", "22"}, {"c", "33"}, {"d", "4444"}}, want: []string{"d", "c"}},
		{name: "bytes: over the budget alone is rejected, the rest kept", opts: LRUOptions[string, string]{MaxBytes: 4, SizeOf: byLen},
			sets: [][2]string{{"a", "11"}, {"b", "22"}, {"c", "33333"}}, want: []string{"b", "a"}, rejected: 1},
		{name: "bytes: keep last keeps an entry over the budget alone", opts: LRUOptions[string, string]{MaxBytes: 4, SizeOf: byLen, KeepLast: true},
			sets: [][2]string{{"a", "11"}, {"b", "22"}, {"c", "33333"}}, want: []string{"c"}},
		{name: "both budgets: the tighter one", opts: LRUOptions[string, string]{MaxBytes: 100, MaxItems: 1, SizeOf: byLen},
			sets: [][2]string{{"a", "1"}, {"b", "2"}}, want: []string{"b"}},
		{name: "no budget: the default item budget", opts: LRUOptions[string, string]{},
			sets: [][2]string{{"a", "1"}, {"a", "2"}}, want: []string{"a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewLRU(tc.opts)
			for i, kv := range tc.sets {
				if i == len(tc.sets)-1 && tc.touch != "" {
					c.Get(tc.touch)
				}
				c.Set(kv[0], kv[1], 0)
			}
			if got := keysOf(c); !slices.Equal(got, tc.want) {
				t.Errorf("keys %v, want %v", got, tc.want)
			}
			st := c.Stats()
			if st.Rejected != tc.rejected {
				t.Errorf("rejected %d, want %d", st.Rejected, tc.rejected)
			}
			var sum int64
			for k, v := range c.All() {
				sum += c.sizeOf(k, v)
			}
			if st.Bytes != sum || c.Bytes() != sum {
				t.Errorf("charged %d, entries sum to %d", st.Bytes, sum)
			}
		})
	}
}

func TestLRUExpiryAndKeep(t *testing.T) {
	clock := testtool.NewClock(time.Unix(1_700_000_000, 0))
	c := NewLRU(LRUOptions[string, int]{MaxItems: 10, Clock: clock.Now})
	t0 := clock.Now()
	c.SetUntil("list", 1, t0.Add(time.Minute), t0.Add(time.Hour))
	c.Set("ttl", 2, time.Minute)
	if v, exp, ok := c.GetWithExpiry("list"); !ok || v != 1 || !exp.Equal(t0.Add(time.Minute)) {
		t.Fatalf("live entry: %d %v %v", v, exp, ok)
	}
	clock.Advance(time.Minute)
	if _, ok := c.Get("list"); ok {
		t.Fatal("expired entry served by Get")
	}
	if v, exp, ok := c.Peek("list"); !ok || v != 1 || !exp.Equal(t0.Add(time.Minute)) {
		t.Fatalf("expired entry within its keep time not peeked: %d %v %v", v, exp, ok)
	}
	if _, ok := c.Get("ttl"); ok {
		t.Fatal("entry past its ttl served")
	}
	if _, _, ok := c.Peek("ttl"); ok {
		t.Fatal("entry past its ttl (kept no longer) peeked")
	}
	clock.Advance(time.Hour)
	if _, _, ok := c.Peek("list"); ok {
		t.Fatal("entry past its keep time peeked")
	}
	if st := c.Stats(); st.Entries != 0 || st.Expired != 2 || st.Hits != 1 || st.Misses != 2 {
		t.Fatalf("stats %+v", st)
	}
}

func TestLRULoadOrStore(t *testing.T) {
	c := NewLRU(LRUOptions[string, *int]{MaxItems: 4})
	const n = 8
	got := make([]*int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := new(int)
			got[i], _ = c.LoadOrStore("k", v)
		}()
	}
	wg.Wait()
	for _, p := range got {
		if p != got[0] {
			t.Fatal("concurrent LoadOrStore returned different values")
		}
	}
	if v, loaded := c.LoadOrStore("k", new(int)); !loaded || v != got[0] {
		t.Fatal("LoadOrStore replaced a stored value")
	}
	c.Set("exp", new(int), time.Hour)
	if _, loaded := c.LoadOrStore("exp", new(int)); loaded {
		t.Fatal("LoadOrStore kept an entry that expires")
	}
	if !c.Delete("k") || c.Delete("k") || c.Len() != 1 {
		t.Fatalf("delete: %d entries left", c.Len())
	}
	c.Clear()
	if c.Len() != 0 || c.Bytes() != 0 {
		t.Fatal("clear left entries")
	}
}

// TestLRUDropped checks that every value let go reaches Dropped once, and
// that values still held never do.
func TestLRUDropped(t *testing.T) {
	now := time.Unix(1000, 0)
	var got []string
	c := NewLRU(LRUOptions[string, string]{MaxBytes: 10, SizeOf: func(_, v string) int64 { return int64(len(v)) },
		Clock: func() time.Time { return now }, Dropped: func(k, v string) { got = append(got, k+"="+v) }})
	steps := []struct {
		name string
		do   func()
		want []string
	}{
		{"stored", func() { c.Set("a", "aaaa", 0); c.Set("b", "bbbb", 0) }, nil},
		{"evicted", func() { c.Set("c", "cccc", 0) }, []string{"a=aaaa"}},
		{"replaced", func() { c.Set("b", "BB", 0) }, []string{"b=bbbb"}},
		{"refused", func() { c.Set("big", "0123456789ab", 0) }, []string{"big=0123456789ab"}},
		{"deleted", func() { c.Delete("b"); c.Delete("b") }, []string{"b=BB"}},
		{"expired", func() { c.Set("e", "e", time.Second); now = now.Add(time.Minute); c.Get("e") }, []string{"e=e"}},
		{"loaded, not stored", func() { c.LoadOrStore("c", "other") }, nil},
		{"cleared", func() { c.Set("d", "d", 0); c.Clear() }, []string{"d=d", "c=cccc"}},
	}
	for _, s := range steps {
		got = nil
		s.do()
		if !slices.Equal(got, s.want) {
			t.Errorf("%s: dropped %q, want %q", s.name, got, s.want)
		}
	}
}

// TestLRURecharge grows and shrinks values in place (a size held beside
// each key) and checks what Recharge keeps, drops and charges.
func TestLRURecharge(t *testing.T) {
	tests := []struct {
		name     string
		keepLast bool
		grow     string // the key whose size changes
		to       int64
		want     []string // keys held afterwards, most recent first
		held     bool     // what Recharge reports
		evicted  uint64
		bytes    int64
	}{
		{name: "grows within the budget, becomes the most recent", grow: "a", to: 4, want: []string{"a", "c", "b"}, held: true, bytes: 8},
		{name: "grows past the budget: the least recent others go", grow: "b", to: 8, want: []string{"b", "c"}, held: true, evicted: 1, bytes: 10},
		{name: "shrinks", grow: "c", to: 0, want: []string{"c", "b", "a"}, held: true, bytes: 4},
		{name: "alone over the budget: dropped", grow: "a", to: 11, want: []string{"c", "b"}, held: false, bytes: 4},
		{name: "alone over the budget, keep last: the only one held", keepLast: true, grow: "a", to: 11, want: []string{"a"}, held: true, evicted: 2, bytes: 11},
		{name: "a key not held", grow: "z", to: 5, want: []string{"c", "b", "a"}, held: false, bytes: 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sizes := map[string]int64{"a": 2, "b": 2, "c": 2, "z": 2}
			c := NewLRU(LRUOptions[string, string]{MaxBytes: 10, KeepLast: tc.keepLast,
				SizeOf: func(k, _ string) int64 { return sizes[k] }})
			for _, k := range []string{"a", "b", "c"} {
				c.Set(k, k, 0)
			}
			sizes[tc.grow] = tc.to
			if held := c.Recharge(tc.grow); held != tc.held {
				t.Errorf("Recharge: held %v, want %v", held, tc.held)
			}
			if got := c.Stats().Evictions; got != tc.evicted {
				t.Errorf("evicted %d, want %d", got, tc.evicted)
			}
			if got := keysOf(c); !slices.Equal(got, tc.want) {
				t.Errorf("keys %v, want %v", got, tc.want)
			}
			if got := c.Bytes(); got != tc.bytes {
				t.Errorf("charged %d, want %d", got, tc.bytes)
			}
		})
	}
}
